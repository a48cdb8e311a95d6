import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPrivateCli } from '../../scripts/reliability/kill-resume-lib.mjs';
import { analyseSamples, soakMethod } from '../../scripts/reliability/soak-lib.mjs';
import { repositoryRoot, tinyFlags } from './reliability-cli';

// The short CI form of `scripts/reliability/soak.mjs` (10,000 steps of each method family).
describe('memory soak', () => {
  let cli: string;
  let workDirectory: string;
  beforeAll(async () => {
    cli = await buildPrivateCli(repositoryRoot, 'soak');
    workDirectory = mkdtempSync(join(tmpdir(), 'selfsup-soak-'));
  }, 120_000);
  afterAll(() => {
    rmSync(workDirectory, { recursive: true, force: true });
    rmSync(dirname(cli), { recursive: true, force: true });
  });

  it('finds a leak of one tensor per step and RSS growth in synthetic samples', () => {
    const steady = Array.from({ length: 100 }, (_, t) => ({ t, tensors: 30, rss: 100 * 2 ** 20 }));
    expect(analyseSamples(steady)).toMatchObject({
      tensorCountConstant: true,
      rssGrowthMegabytes: 0,
    });
    const leaking = steady.map((sample) => ({
      ...sample,
      tensors: 30 + sample.t,
      rss: sample.rss + sample.t * 2 ** 20,
    }));
    const analysis = analyseSamples(leaking);
    expect(analysis.tensorCountConstant).toBe(false);
    expect(analysis.rssGrowthMegabytes).toBeGreaterThan(50);
  });

  it('keeps the live tensor count constant and RSS growth under 50 MB while selfsup pretrain rotation runs', async () => {
    const result = await soakMethod({
      cli,
      workDirectory,
      method: 'rotation',
      steps: 150,
      flags: tinyFlags,
      probeMs: 50,
    });
    expect(result.samples).toBeGreaterThan(20);
    expect(result.windows[0]?.minTensors).toBeGreaterThan(0);
    expect(result.tensorGrowth).toBe(0);
    expect(result.rssGrowthMegabytes).toBeLessThan(50);
  });
});
