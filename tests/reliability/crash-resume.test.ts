import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPrivateCli, killAndResume } from '../../scripts/reliability/kill-resume-lib.mjs';
import { repositoryRoot, tinyFlags } from './reliability-cli';

// The reduced CI form of `scripts/reliability/kill-resume.mjs` (which does ≥ 20 kills).
describe('selfsup pretrain killed with SIGKILL at random moments', () => {
  let cli: string;
  let workDirectory: string;
  beforeAll(async () => {
    cli = await buildPrivateCli(repositoryRoot, 'crash');
    workDirectory = mkdtempSync(join(tmpdir(), 'selfsup-crash-'));
  }, 120_000);
  afterAll(() => {
    rmSync(workDirectory, { recursive: true, force: true });
    rmSync(dirname(cli), { recursive: true, force: true });
  });

  it('always leaves complete checkpoints, resumes from the latest, and ends bit-identical to an uninterrupted run', async () => {
    // New kill moments on every CI run; the seed in failure messages replays them.
    const seed = Date.now() % 100_000;
    const result = await killAndResume({
      cli,
      workDirectory,
      kills: 3,
      seed,
      steps: 10,
      checkpointEvery: 1,
      flags: tinyFlags,
    });
    expect(result.kills.filter((kill) => kill.killed)).toHaveLength(3);
    expect(result.damagedCheckpoints, `kill seed ${seed}: ${JSON.stringify(result.kills)}`).toBe(0);
    // Pruning renames before deleting: a kill there leaves no half-deleted step-N.
    expect(result.halfDeletedDirectories, `kill seed ${seed}`).toBe(0);
    expect(result.finalStep).toBe(10);
    expect(result.finalResumedFrom).toBe(result.expectedResumedFrom);
    expect(result.comparedFiles).toEqual(
      expect.arrayContaining(['encoder/group1-shard1of1.bin', 'optimizer/tensors.bin']),
    );
    expect(result.differingFiles, `kill seed ${seed}`).toEqual([]);
    expect(result.identicalToUninterrupted).toBe(true);
  });
});
