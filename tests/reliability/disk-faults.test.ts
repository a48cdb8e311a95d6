import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkCheckpointIntact,
  checkpointBytes,
  interruptedWriteLeftovers,
  stepDirectories,
} from '../../scripts/reliability/kill-resume-lib.mjs';
import {
  createReliabilityBench,
  faultInjection,
  type ReliabilityBench,
  tinyFlags,
} from './reliability-cli';

let bench: ReliabilityBench;
beforeAll(async () => {
  bench = await createReliabilityBench('disk');
}, 120_000);
afterAll(() => bench.dispose());

/** The bytes of a checkpoint, manifest included. */
function snapshot(directory: string): Record<string, Buffer> {
  return {
    ...checkpointBytes(directory),
    'selfsup.json': readFileSync(join(directory, 'selfsup.json')),
  };
}

describe.each([
  { code: 'ENOSPC', reason: /the disk is full/ },
  { code: 'EROFS', reason: /the file system is read-only/ },
])('a checkpoint write that fails with $code (injected in the IO layer)', ({ code, reason }) => {
  it('stops with a clear error naming the file, keeps the previous checkpoint intact, and resumes once the disk is fine', async () => {
    const out = `disk-${code}`;
    const first = await bench.run([
      'pretrain',
      'rotation',
      ...tinyFlags,
      '--steps',
      '2',
      '--checkpoint-every',
      '2',
      '--out',
      out,
      '--quiet',
    ]);
    expect(first.code, first.stderr).toBe(0);
    const previous = join(bench.directory, out, 'step-00000002');
    const before = snapshot(previous);

    const failed = await bench.run(
      ['pretrain', 'rotation', '--out', out, '--resume', '--steps', '4'],
      {
        NODE_OPTIONS: `--import=${faultInjection}`,
        SELFSUP_FAULT_CODE: code,
        SELFSUP_FAULT_PATH: 'step-00000004',
      },
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(new RegExp(`cannot write \\S*step-00000004\\S* \\(${code}\\)`));
    expect(failed.stderr).toMatch(reason);
    expect(failed.stderr).toContain(
      `The last complete checkpoint, ${out}/step-00000002, is intact`,
    );
    expect(failed.stderr).toContain(`selfsup pretrain rotation --out ${out} --resume`);
    // Nothing half-written stays behind, the old checkpoint is byte for byte what it was, the lock is freed.
    expect(stepDirectories(join(bench.directory, out))).toEqual(['step-00000002']);
    expect(interruptedWriteLeftovers(join(bench.directory, out))).toEqual([]);
    expect(checkCheckpointIntact(previous)).toEqual([]);
    expect(snapshot(previous)).toEqual(before);
    expect(existsSync(join(bench.directory, `.${out}.lock`))).toBe(false);

    const resumed = await bench.run([
      'pretrain',
      'rotation',
      '--out',
      out,
      '--resume',
      '--steps',
      '4',
      '--json',
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ step: 4, stepsRun: 2 });
  });
});
