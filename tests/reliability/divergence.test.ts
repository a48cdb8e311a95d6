import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkCheckpointIntact,
  stepDirectories,
} from '../../scripts/reliability/kill-resume-lib.mjs';
import { createReliabilityBench, type ReliabilityBench, tinyFlags } from './reliability-cli';

let bench: ReliabilityBench;
beforeAll(async () => {
  bench = await createReliabilityBench('divergence');
}, 120_000);
afterAll(() => bench.dispose());

describe('a forced divergence (absurd learning rate)', () => {
  it('stops naming the step and the last good checkpoint, writes no damaged checkpoint, and --resume with a sane rate recovers', async () => {
    const out = 'diverge';
    const sane = await bench.run([
      'pretrain',
      'rotation',
      ...tinyFlags,
      '--steps',
      '4',
      '--checkpoint-every',
      '2',
      '--out',
      out,
      '--quiet',
    ]);
    expect(sane.code, sane.stderr).toBe(0);

    const diverged = await bench.run([
      'pretrain',
      'rotation',
      '--out',
      out,
      '--resume',
      '--steps',
      '12',
      '--lr',
      '1e6',
    ]);
    expect(diverged.code).toBe(1);
    const match = /training diverged: Non-finite .* at step (\d+) \(learning rate [\d.e+]+\)/.exec(
      diverged.stderr,
    );
    expect(match, diverged.stderr).not.toBeNull();
    expect(Number(match?.[1])).toBeGreaterThanOrEqual(4);
    expect(diverged.stderr).toContain(`The last good checkpoint is ${out}/step-00000004`);
    expect(diverged.stderr).toContain(
      `selfsup pretrain rotation --out ${out} --resume --lr <lower>`,
    );
    // No checkpoint with NaN/Inf weights was written.
    const saved = stepDirectories(join(bench.directory, out));
    expect(saved.at(-1)).toBe('step-00000004');
    for (const name of saved)
      expect(checkCheckpointIntact(join(bench.directory, out, name))).toEqual([]);

    const recovered = await bench.run([
      'pretrain',
      'rotation',
      '--out',
      out,
      '--resume',
      '--steps',
      '12',
      '--lr',
      '0.001',
      '--json',
    ]);
    expect(recovered.code, recovered.stderr).toBe(0);
    const result = JSON.parse(recovered.stdout) as {
      step: number;
      loss: number;
      resumedFrom: string;
    };
    expect(result.step).toBe(12);
    expect(result.resumedFrom).toBe(`${out}/step-00000004`);
    expect(Number.isFinite(result.loss)).toBe(true);
  });
});
