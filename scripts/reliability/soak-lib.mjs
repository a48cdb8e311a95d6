/**
 * The memory soak shared by `scripts/reliability/soak.mjs` (10,000 steps of each method family)
 * and `tests/reliability/memory-soak.test.ts` (a short CI form): runs the built `selfsup pretrain`
 * with the memory probe preloaded (`tests/reliability/fixtures/memory-probe.mjs`, which samples
 * live tfjs tensors and RSS), drops the warm-up, and compares the windows that follow: the fewest
 * live tensors of each window (the count between steps) must not change, and RSS must not grow
 * by more than the limit.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCliProcess } from './kill-resume-lib.mjs';

const probe = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'tests',
  'reliability',
  'fixtures',
  'memory-probe.mjs',
);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/**
 * Analyses probe samples: drops the first `warmupFraction`, cuts the rest into `windows` equal
 * windows, and reports each window's fewest live tensors and median RSS.
 *
 * @returns windows, tensorCountConstant, rssGrowthMegabytes.
 */
export function analyseSamples(samples, { warmupFraction = 0.2, windows = 5 } = {}) {
  const after = samples.slice(Math.floor(samples.length * warmupFraction));
  const size = Math.floor(after.length / windows);
  if (size < 2)
    throw new Error(`too few memory samples (${samples.length}) to analyse: train longer`);
  const summary = Array.from({ length: windows }, (_, index) => {
    const window = after.slice(index * size, (index + 1) * size);
    return {
      fromMs: window[0].t,
      toMs: window.at(-1).t,
      minTensors: Math.min(...window.map((sample) => sample.tensors)),
      maxTensors: Math.max(...window.map((sample) => sample.tensors)),
      medianRssMegabytes: median(window.map((sample) => sample.rss)) / 2 ** 20,
    };
  });
  const minima = summary.map((window) => window.minTensors);
  return {
    samples: samples.length,
    windows: summary,
    tensorCountConstant: minima.every((value) => value === minima[0]),
    tensorGrowth: Math.max(...minima) - minima[0],
    rssGrowthMegabytes: summary.at(-1).medianRssMegabytes - summary[0].medianRssMegabytes,
  };
}

/**
 * Trains one method with the memory probe and analyses its samples.
 *
 * @param options `cli`, `workDirectory`, `method`, `steps`, `flags` (data/encoder flags),
 *   `probeMs` (sampling period), `rssLimitMegabytes` (default 50).
 * @returns the analysis plus method, steps, seconds and `passed`.
 */
export async function soakMethod(options) {
  const {
    cli,
    workDirectory,
    method,
    steps,
    flags = [],
    probeMs = 100,
    rssLimitMegabytes = 50,
  } = options;
  const file = join(workDirectory, `${method}-memory.jsonl`);
  const run = await runCliProcess(
    cli,
    [
      'pretrain',
      method,
      ...flags,
      '--steps',
      String(steps),
      '--checkpoint-every',
      String(Math.max(1, Math.floor(steps / 4))),
      '--out',
      `soak-${method}`,
      '--force',
      '--quiet',
    ],
    workDirectory,
    undefined,
    {
      NODE_OPTIONS: `--import=${probe}`,
      SELFSUP_PROBE_FILE: file,
      SELFSUP_PROBE_MS: String(probeMs),
    },
  );
  if (run.code !== 0)
    throw new Error(`selfsup pretrain ${method} failed (${run.code}):\n${run.stderr}`);
  const samples = existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
        .filter((sample) => sample.tensors > 0)
    : [];
  const analysis = analyseSamples(samples);
  return {
    method,
    steps,
    seconds: run.seconds,
    rssLimitMegabytes,
    ...analysis,
    passed: analysis.tensorCountConstant && analysis.rssGrowthMegabytes < rssLimitMegabytes,
  };
}
