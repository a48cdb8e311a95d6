import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findTorch } from './find-torch';
import { TorchReferenceSession } from './torch-reference-session';

const python =
  spawnSync('python3', ['--version']).error === undefined ? 'python3' : '/usr/bin/python3';
const fakeScript = fileURLToPath(new URL('./__fixtures__/fake_step.py', import.meta.url));

describe('TorchReferenceSession', () => {
  it('warms up, then runs interleaved rounds over the --serve protocol', async () => {
    const session = await TorchReferenceSession.start({
      python,
      script: fakeScript,
      threads: 2,
      warmup: 2,
      seed: 0,
    });
    try {
      expect(session.info.ready).toBe(true);
      expect(session.info.threads).toBe(2);
      const first = await session.run(3);
      const second = await session.run(2);
      expect(first.timesMs).toHaveLength(3);
      expect(second.timesMs).toHaveLength(2);
      for (const time of [...first.timesMs, ...second.timesMs]) expect(time).toBeGreaterThan(0.5);
      // The fake halves its loss (from 8) every step, warm-up included: the state persists across rounds.
      const expected = Array.from({ length: 5 }, (_, step) => 8 / 2 ** (2 + step + 1));
      expect([...first.losses, ...second.losses]).toEqual(expected);
    } finally {
      await session.close();
    }
  });

  it('reports a script that dies with its exit code and last stderr lines', async () => {
    await expect(
      TorchReferenceSession.start({
        python,
        script: '/nonexistent/reference.py',
        threads: 1,
        warmup: 0,
        seed: 0,
      }),
    ).rejects.toThrow(/stopped \(exit code 2\) while starting[\s\S]*No such file/);
  });

  it('reports a missing Python instead of hanging', async () => {
    await expect(
      TorchReferenceSession.start({
        python: '/nonexistent/python3',
        script: fakeScript,
        threads: 1,
        warmup: 0,
        seed: 0,
      }),
    ).rejects.toThrow(/stopped/);
  });
});

describe('findTorch', () => {
  it('says in one line why a Python without torch cannot be used', () => {
    const missing = findTorch('/nonexistent/python3');
    expect(missing.available).toBe(false);
    if (!missing.available) expect(missing.reason).toMatch(/cannot run \/nonexistent\/python3/);
  });

  it('finds torch, or names the import error, for the default Python', () => {
    const result = findTorch(python);
    if (result.available) expect(result.version).toMatch(/^\d+\.\d+/);
    else expect(result.reason).toMatch(/cannot import torch/);
  });
});
