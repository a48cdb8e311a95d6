import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepDirectories } from '../../scripts/reliability/kill-resume-lib.mjs';
import { createReliabilityBench, type ReliabilityBench, tinyFlags } from './reliability-cli';

let bench: ReliabilityBench;
beforeAll(async () => {
  bench = await createReliabilityBench('concurrent');
}, 120_000);
afterAll(() => bench.dispose());

describe('two selfsup pretrain processes on the same --out', () => {
  it('refuses the second (even with --force) naming the first, and a crashed run does not leave the lock stuck', async () => {
    const out = 'shared';
    const first = spawn(
      process.execPath,
      [
        bench.cli,
        'pretrain',
        'rotation',
        ...tinyFlags,
        '--steps',
        '2000',
        '--checkpoint-every',
        '2',
        '--out',
        out,
      ],
      { cwd: bench.directory, env: { ...process.env, SELFSUP_BACKEND: 'wasm' }, stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => first.on('exit', resolve));
    try {
      // Wait until the first run trains and has a checkpoint.
      const started = Date.now();
      while (stepDirectories(join(bench.directory, out)).length === 0) {
        if (first.exitCode !== null) throw new Error(`the first run exited with ${first.exitCode}`);
        if (Date.now() - started > 60_000)
          throw new Error('the first run wrote no checkpoint in 60 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const lock = JSON.parse(readFileSync(join(bench.directory, `.${out}.lock`), 'utf8')) as {
        pid: number;
      };
      expect(lock.pid).toBe(first.pid);
      const [resumed, forced] = await Promise.all([
        bench.run(['pretrain', 'rotation', '--out', out, '--resume']),
        bench.run(['pretrain', 'rotation', ...tinyFlags, '--steps', '2', '--out', out, '--force']),
      ]);
      for (const second of [resumed, forced]) {
        expect(second.code).toBe(2);
        expect(second.stderr).toMatch(
          new RegExp(
            `--out ${out} is in use by another selfsup run \\(pid ${first.pid}, since .*: selfsup pretrain rotation\\)`,
          ),
        );
      }
      // --force did not delete the running run's directory.
      expect(existsSync(join(bench.directory, out, 'run.json'))).toBe(true);
      expect(first.exitCode).toBeNull();
    } finally {
      first.kill('SIGKILL');
      await exited;
    }
    // The SIGKILLed run's lock is still on disk, but its process is gone: the next run takes it over.
    expect(existsSync(join(bench.directory, `.${out}.lock`))).toBe(true);
    const latest = Number(stepDirectories(join(bench.directory, out)).at(-1)?.slice(5));
    const taken = await bench.run([
      'pretrain',
      'rotation',
      '--out',
      out,
      '--resume',
      '--steps',
      String(latest + 1),
      '--json',
    ]);
    expect(taken.code, taken.stderr).toBe(0);
    expect(JSON.parse(taken.stdout)).toMatchObject({ step: latest + 1, stepsRun: 1 });
    expect(existsSync(join(bench.directory, `.${out}.lock`))).toBe(false);
  });
});
