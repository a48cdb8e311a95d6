import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST_FILE } from './checkpoint-manifest';
import { listCheckpoints } from './list-checkpoints';

describe('listCheckpoints', () => {
  it('lists the completed step-N checkpoints oldest first, skipping half-written and other folders', async () => {
    const run = await mkdtemp(join(tmpdir(), 'selfsup-list-'));
    for (const step of [12, 3, 100]) {
      const directory = join(run, `step-${String(step).padStart(8, '0')}`);
      await mkdir(directory);
      await writeFile(join(directory, MANIFEST_FILE), '{}');
    }
    await mkdir(join(run, 'step-00000050')); // no manifest: never completed
    await mkdir(join(run, 'samples'));
    expect(await listCheckpoints(run)).toEqual(
      [3, 12, 100].map((step) => ({
        step,
        directory: join(run, `step-${String(step).padStart(8, '0')}`),
      })),
    );
    expect(await listCheckpoints(join(run, 'missing'))).toEqual([]);
  });
});
