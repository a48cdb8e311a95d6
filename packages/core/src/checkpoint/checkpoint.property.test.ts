import {
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { createTinyObjective } from '../test/tiny-objective';
import { CheckpointError } from './checkpoint-error';
import { pruneCheckpoints, stepDirectoryName } from './checkpoint-files';
import { restoreCheckpoint } from './restore-checkpoint';
import { saveCheckpoint } from './save-checkpoint';

// Property-based tests (fast-check) of damaged checkpoints: whatever the damage (a file cut at
// any length, any manifest field replaced by any JSON value, any weight file replaced by random
// bytes), restoring either works (the damage was harmless) or throws a CheckpointError that
// names the file, and the objective's weights are left exactly as they were.
let root: string;
let pristine: string;
let copies = 0;

const files = [
  'selfsup.json',
  'encoder/model.json',
  'encoder/group1-shard1of1.bin',
  'heads/decoder/model.json',
  'heads/decoder/group1-shard1of1.bin',
  'state/tensors.json',
  'state/tensors.bin',
];

async function freshCopy(): Promise<string> {
  const directory = join(root, `copy-${copies++}`);
  await cp(pristine, directory, { recursive: true });
  return directory;
}

/** Restores into a fresh objective; returns the error (or undefined) and whether weights were untouched on error. */
async function tryRestore(directory: string): Promise<{ error: unknown; untouched: boolean }> {
  const objective = createTinyObjective({ seed: 7 });
  const before = objective.encoder.model
    .getWeights()
    .map((weight) => Array.from(weight.dataSync()));
  let error: unknown;
  try {
    await restoreCheckpoint(directory, objective);
  } catch (caught) {
    error = caught;
  }
  const after = objective.encoder.model.getWeights().map((weight) => Array.from(weight.dataSync()));
  objective.dispose();
  return { error, untouched: JSON.stringify(before) === JSON.stringify(after) };
}

function expectCleanError(error: unknown, directory: string): void {
  expect(error).toBeInstanceOf(CheckpointError);
  expect((error as CheckpointError).file.startsWith(directory)).toBe(true);
}

describe('damaged checkpoints, property-based', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    root = await mkdtemp(join(tmpdir(), 'selfsup-checkpoint-property-'));
    pristine = join(root, 'pristine');
    const objective = createTinyObjective({ seed: 1 });
    await saveCheckpoint(pristine, objective, { step: 3 });
    objective.dispose();
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('a file cut at any length gives a CheckpointError naming it, and leaves the weights untouched', async () => {
    await expectNoTensorLeak(() =>
      fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...files),
          fc.double({ min: 0, max: 0.999, noNaN: true }),
          async (file, fraction) => {
            const directory = await freshCopy();
            const path = join(directory, file);
            const original = await readFile(path);
            const length = Math.floor((await stat(path)).size * fraction);
            await truncate(path, length);
            const { error, untouched } = await tryRestore(directory);
            // Cutting off only a trailing newline of a JSON file is harmless.
            if (error === undefined && original.subarray(length).toString().trim() === '') return;
            expectCleanError(error, directory);
            expect(untouched).toBe(true);
          },
        ),
        { numRuns: 25 },
      ),
    );
  });

  it('any manifest field set to any JSON value restores or gives a CheckpointError naming selfsup.json', async () => {
    const manifest = JSON.parse(await readFile(join(pristine, 'selfsup.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    await expectNoTensorLeak(() =>
      fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...Object.keys(manifest)),
          fc.jsonValue({ maxDepth: 2 }),
          async (field, value) => {
            const directory = await freshCopy();
            await writeFile(
              join(directory, 'selfsup.json'),
              JSON.stringify({ ...manifest, [field]: value }),
            );
            const { error, untouched } = await tryRestore(directory);
            if (error !== undefined) {
              expectCleanError(error, directory);
              expect(untouched).toBe(true);
            }
          },
        ),
        { numRuns: 40 },
      ),
    );
  });

  it('a model.json or weight file replaced by random bytes gives a CheckpointError naming the file', async () => {
    await expectNoTensorLeak(() =>
      fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...files.slice(1)),
          fc.uint8Array({ maxLength: 300 }),
          async (file, bytes) => {
            const directory = await freshCopy();
            await writeFile(join(directory, file), bytes);
            const { error, untouched } = await tryRestore(directory);
            if (error === undefined) return; // e.g. random bytes of exactly the right length: harmless
            expectCleanError(error, directory);
            expect(untouched).toBe(true);
          },
        ),
        { numRuns: 25 },
      ),
    );
  });

  it('pruning keeps exactly the newest keepLast complete checkpoints and sweeps what killed runs left', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 8 }),
        fc.uniqueArray(fc.integer({ min: 61, max: 90 }), { maxLength: 3 }),
        fc.array(fc.constantFrom('partial', 'deleting'), { maxLength: 3 }),
        fc.integer({ min: 1, max: 4 }),
        async (complete, incomplete, leftovers, keepLast) => {
          const run = join(root, `prune-${copies++}`);
          for (const step of complete) {
            await mkdir(join(run, stepDirectoryName(step), 'encoder'), { recursive: true });
            await writeFile(join(run, stepDirectoryName(step), 'selfsup.json'), '{}');
          }
          // A deletion cut short: files left, the manifest gone.
          for (const step of incomplete) {
            await mkdir(join(run, stepDirectoryName(step), 'encoder'), { recursive: true });
            await writeFile(join(run, stepDirectoryName(step), 'encoder', 'model.json'), '{}');
          }
          const foreignPid = process.pid + 1;
          for (const [index, kind] of leftovers.entries()) {
            await mkdir(join(run, `.step-${index}.${kind}-${foreignPid}-1`), { recursive: true });
          }
          const own = join(run, `.step-99.partial-${process.pid}-1`);
          await mkdir(own, { recursive: true });
          await pruneCheckpoints(run, keepLast);
          const names = (await readdir(run)).sort();
          const kept = [...complete]
            .sort((a, b) => b - a)
            .slice(0, keepLast)
            .map(stepDirectoryName);
          // This process's own partial directory may be a write in progress: it stays.
          expect(names).toEqual([`.step-99.partial-${process.pid}-1`, ...kept].sort());
        },
      ),
      { numRuns: 40 },
    );
  });
});
