import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { createTinyObjective, tinyBatchSource } from '../test/tiny-objective';
import {
  killAndResumeObjectiveSeed,
  killAndResumeOptions,
} from './__fixtures__/kill-and-resume-run';
import { pretrain } from './pretrain';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
// Inside node_modules so that the bundle resolves @tensorflow/* like the package does.
const workDirectory = join(
  packageRoot,
  'node_modules',
  '.cache',
  `selfsup-kill-test-${process.pid}`,
);

/** Bundles the child script with tsup (TypeScript → one ESM file, dependencies external). */
async function buildChild(): Promise<string> {
  const { build } = await import('tsup');
  await build({
    entry: {
      'kill-and-resume-child': join(
        packageRoot,
        'src/training/__fixtures__/kill-and-resume-child.ts',
      ),
    },
    outDir: workDirectory,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    dts: false,
    silent: true,
    config: false,
    external: [/^@tensorflow\//, 'zod'],
  });
  return join(workDirectory, 'kill-and-resume-child.js');
}

/** Runs the child until it printed `step <killAfter>`, then SIGKILLs it. */
function runAndKill(
  script: string,
  directory: string,
  killAfter: number,
): Promise<{ signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, directory], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`step ${killAfter}\n`)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === null)
        reject(
          new Error(
            `The child exited with code ${code} before it was killed:\n${output}\n${errors}`,
          ),
        );
      else resolve({ signal, output });
    });
  });
}

describe('pretrain killed with SIGKILL in a child process', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    await mkdir(workDirectory, { recursive: true });
  });
  afterAll(async () => {
    await rm(workDirectory, { recursive: true, force: true });
  });

  it('resumes from the last complete checkpoint to exactly the weights of an uninterrupted run', async () => {
    const script = await buildChild();
    const directory = join(workDirectory, 'run');
    const { signal, output } = await runAndKill(script, directory, 3);
    expect(signal).toBe('SIGKILL');
    expect(output).not.toContain('finished');

    const resumed = createTinyObjective({ seed: killAndResumeObjectiveSeed + 1 });
    const result = await pretrain(resumed, tinyBatchSource(), {
      ...killAndResumeOptions,
      checkpoint: { directory },
      resume: true,
    });
    expect(result.resumedFrom).toMatch(/step-0000000[3-8]$/);
    expect(result.step).toBe(8);

    const uninterrupted = createTinyObjective({ seed: killAndResumeObjectiveSeed });
    await pretrain(uninterrupted, tinyBatchSource(), killAndResumeOptions);
    const weights = (objective: typeof resumed): number[][] =>
      [objective.encoder.model, ...Object.values(objective.heads)].flatMap((model) =>
        model.weights.map((weight) => Array.from(weight.read().dataSync())),
      );
    expect(weights(resumed)).toEqual(weights(uninterrupted));
    expect(resumed.stepsSeen()).toBe(8);
    resumed.dispose();
    uninterrupted.dispose();
  });
});
