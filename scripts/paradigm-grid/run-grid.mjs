#!/usr/bin/env node
// Issue 8: the four paradigms side by side, through the built `selfsup` CLI, from one config
// (scripts/paradigm-grid/grid.json). For each dataset: pretrain every self-supervised method
// (`selfsup pretrain`), then one `selfsup compare` per architecture group — the pretrained
// encoders (linear probe and full finetuning), the same architecture from scratch, supervised
// with augmentation, PCA + probe, k-means, pseudo-labels, FixMatch — over the same label budgets,
// seeds, pool and test split (core's labelEfficiency protocol). Then the central claim's ratio:
// accuracy with a few hundred labels over accuracy with every label of the pool, best pretrained
// runner vs scratch.
//
//   pnpm build && node scripts/paradigm-grid/run-grid.mjs              # the full grid (hours on 2 cores)
//   node scripts/paradigm-grid/run-grid.mjs --smoke                    # the wiring in a few minutes
//   node scripts/paradigm-grid/run-grid.mjs --datasets mnist --resume  # one dataset; reuse finished runs
//
// Flags: --config FILE (grid.json), --datasets a,b (every dataset of the config without a `skip`
// reason: mnist and spam-assassin), --runs DIR (runs/paradigm-grid; smoke:
// runs/paradigm-grid-smoke), --out FILE (results/paradigm-grid.json beside this script, dated
// inside, which the demo's overview page reads; smoke: the runs directory), --resume (keep
// finished pretraining runs and compare results in --runs instead of starting over),
// --finished-only (with --resume: run nothing more; a compare group without results is listed as
// `unfinished` with its command), --smoke, --help.
// Every command it runs is printed, so any step can be rerun by hand. Results are written
// atomically after each dataset.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const cli = resolve(root, 'apps/cli/dist/selfsup.js');
const usage =
  'usage: node scripts/paradigm-grid/run-grid.mjs [--config FILE] [--datasets a,b] [--runs DIR] [--out FILE] [--resume [--finished-only]] [--smoke]';

let values;
try {
  ({ values } = parseArgs({
    options: {
      config: { type: 'string' },
      datasets: { type: 'string' },
      runs: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'boolean', default: false },
      'finished-only': { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (!existsSync(cli)) {
  console.error(`${relative(process.cwd(), cli)} is missing: build the CLI first (pnpm build).`);
  process.exit(2);
}
const configPath = resolve(values.config ?? join(here, 'grid.json'));
let config;
try {
  config = JSON.parse(readFileSync(configPath, 'utf8'));
} catch (error) {
  console.error(`Cannot read the grid config ${configPath}: ${error.message}`);
  process.exit(2);
}
const known = config.datasets.map((dataset) => dataset.name);
const chosen =
  values.datasets === undefined
    ? config.datasets.filter((dataset) => dataset.skip === undefined).map((dataset) => dataset.name)
    : values.datasets.split(',');
for (const dataset of config.datasets) {
  if (dataset.skip !== undefined)
    console.log(
      `${dataset.name}: ${chosen.includes(dataset.name) ? 'chosen although marked' : 'skipped'}: ${dataset.skip}`,
    );
}
for (const name of chosen) {
  if (!known.includes(name)) {
    console.error(`--datasets: '${name}' is not in ${configPath} (it has ${known.join(', ')}).`);
    process.exit(2);
  }
}
const smoke = values.smoke;
const runs = resolve(
  values.runs ?? join(root, 'runs', smoke ? 'paradigm-grid-smoke' : 'paradigm-grid'),
);
const started = new Date();
const out = resolve(
  values.out ??
    (smoke ? join(runs, 'paradigm-grid.json') : join(here, 'results', 'paradigm-grid.json')),
);

/** Runs the CLI; resolves its stdout (the `--json` result), rejects with its stderr tail. */
function selfsup(args) {
  console.log(`$ selfsup ${args.join(' ')}`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: runs,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
    });
    child.on('close', (code) => {
      if (code === 0) resolvePromise(stdout);
      else reject(new Error(`selfsup ${args[0]} exited with ${code}:\n${stderr.slice(-3000)}`));
    });
  });
}

/** The args of a pretraining run: smoke mode swaps the step budget for a tiny one. */
function pretrainArgs(entry) {
  if (!smoke) return entry.args;
  const kept = [];
  for (let index = 0; index < entry.args.length; index++) {
    const flag = entry.args[index];
    if (flag === '--steps' || flag === '--epochs' || flag === '--limit') index++;
    else kept.push(flag);
  }
  return [...kept, ...config.smoke.pretrainArgs];
}

/** The `method` of a run's newest checkpoint manifest (what `selfsup compare` names its runner). */
function checkpointMethod(directory, fallback) {
  const steps = readdirSync(join(runs, directory))
    .filter((name) => name.startsWith('step-'))
    .sort();
  const manifest = join(runs, directory, steps.at(-1) ?? '', 'selfsup.json');
  if (steps.length === 0 || !existsSync(manifest)) return fallback;
  return JSON.parse(readFileSync(manifest, 'utf8')).method ?? fallback;
}

/** The paradigms of `list` that are also in `allowed` (the smoke test's fast subset). */
function onlyKnown(list, allowed) {
  const keep = new Set(allowed.split(','));
  return list
    .split(',')
    .filter((paradigm) => keep.has(paradigm))
    .join(',');
}

/**
 * Central claim: accuracy at `fewLabels` over accuracy at the largest budget, per line (runner,
 * mode and compare group: scratch appears in every group).
 */
function centralClaim(summary, fewLabels, allLabels) {
  const accuracy = summary.filter((entry) => entry.metric === 'accuracy');
  const at = (row, budget) =>
    accuracy.find(
      (other) =>
        other.runner === row.runner &&
        other.mode === row.mode &&
        other.group === row.group &&
        other.budget === budget,
    );
  const ratios = [];
  for (const row of accuracy.filter((entry) => entry.budget === allLabels)) {
    const few = at(row, fewLabels);
    if (few === undefined) continue;
    ratios.push({
      runner: row.runner,
      mode: row.mode,
      group: row.group,
      fewLabels: few.mean,
      allLabels: row.mean,
      ratio: few.mean / row.mean,
    });
  }
  return ratios;
}

/**
 * Where self-supervision wins and where it does not: per budget, the best pretrained runner (any
 * mode) against the best runner of every other paradigm (scratch, supervised, unsupervised,
 * semi-supervised), by mean test accuracy.
 */
function verdicts(summary, methods, budgets) {
  return budgets.map((budget) => {
    const rows = summary.filter((row) => row.budget === budget && row.metric === 'accuracy');
    const best = (candidates) => candidates.sort((a, b) => b.mean - a.mean)[0];
    const pretrained = best(rows.filter((row) => methods.has(row.runner)));
    const other = best(rows.filter((row) => !methods.has(row.runner)));
    const describe = (row) =>
      row === undefined
        ? null
        : { runner: row.runner, mode: row.mode, group: row.group, mean: row.mean, std: row.std };
    return {
      budget,
      bestPretrained: describe(pretrained),
      bestOther: describe(other),
      selfSupervisionWins:
        pretrained === undefined || other === undefined ? null : pretrained.mean > other.mean,
      margin: pretrained === undefined || other === undefined ? null : pretrained.mean - other.mean,
    };
  });
}

function writeAtomically(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, path);
}

mkdirSync(runs, { recursive: true });
const report = {
  script: 'scripts/paradigm-grid/run-grid.mjs',
  config: relative(root, configPath),
  smoke,
  date: started.toISOString(),
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.arch()}`,
    node: process.version,
  },
  datasets: [],
};
for (const dataset of config.datasets.filter((entry) => chosen.includes(entry.name))) {
  const datasetStarted = Date.now();
  const entry = { name: dataset.name, data: dataset.data, pretraining: [], groups: [] };
  report.datasets.push(entry);
  for (const run of dataset.pretrain) {
    const directory = `${dataset.name}-${run.run}`;
    const resultFile = join(runs, directory, 'result.json');
    if (values.resume && existsSync(resultFile)) {
      console.log(`(reusing ${directory}: it finished before)`);
      entry.pretraining.push({
        run: run.run,
        method: run.method,
        reused: true,
        result: JSON.parse(readFileSync(resultFile, 'utf8')),
      });
      continue;
    }
    const args = [
      'pretrain',
      run.method,
      '--data',
      run.data ?? dataset.data,
      ...pretrainArgs(run),
      '--out',
      directory,
      '--force',
      '--json',
      '--quiet',
    ];
    const runStarted = Date.now();
    const result = JSON.parse(await selfsup(args));
    entry.pretraining.push({
      run: run.run,
      method: run.method,
      command: `selfsup ${args.join(' ')}`,
      minutes: (Date.now() - runStarted) / 60_000,
      result,
    });
  }
  const labels = smoke ? config.smoke.labels : dataset.labels;
  for (const group of dataset.compare) {
    const directory = `${dataset.name}-compare-${group.group}`;
    const resultsFile = join(runs, directory, 'results.json');
    const args = [
      'compare',
      ...group.checkpoints.map((run) => `${dataset.name}-${run}`),
      '--data',
      dataset.data,
      '--paradigms',
      smoke ? onlyKnown(group.paradigms, config.smoke.paradigms) : group.paradigms,
      '--labels',
      labels.join(','),
      '--seeds',
      dataset.seeds.join(','),
      '--pool-size',
      String(smoke ? config.smoke.poolSize : dataset.poolSize),
      '--test-size',
      String(smoke ? config.smoke.testSize : dataset.testSize),
      '--epochs',
      String(smoke ? config.smoke.epochs : dataset.epochs),
      '--minimum-steps',
      String(smoke ? config.smoke.minimumSteps : dataset.minimumSteps),
      '--out',
      directory,
      '--force',
      '--json',
      '--quiet',
    ];
    const groupStarted = Date.now();
    const reused = values.resume && existsSync(resultsFile);
    if (!reused && values['finished-only']) {
      console.log(`(${directory} has no results yet: listed as unfinished)`);
      entry.groups.push({
        group: group.group,
        command: `selfsup ${args.join(' ')}`,
        unfinished: true,
        summary: [],
      });
      continue;
    }
    if (reused) {
      console.log(`(reusing ${directory}: it finished before)`);
    } else {
      await selfsup(args);
    }
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    entry.groups.push({
      group: group.group,
      command: `selfsup ${args.join(' ')}`,
      // A reused result was timed by the run that wrote it, not here.
      ...(reused ? { reused: true } : { minutes: (Date.now() - groupStarted) / 60_000 }),
      chart: relative(root, join(runs, directory, 'label-efficiency.svg')),
      summary: results.summary,
    });
  }
  // The central claim, over every group of the dataset: best pretrained runner vs scratch.
  const summary = entry.groups.flatMap((group) =>
    group.summary.map((row) => ({ ...row, group: group.group })),
  );
  const fewLabels = smoke ? labels[0] : config.centralClaim.fewLabels;
  const allLabels = labels[labels.length - 1];
  const ratios = centralClaim(summary, fewLabels, allLabels);
  // Pretrained runners are named after their checkpoint's method (compare's convention).
  const methods = new Set(
    dataset.pretrain.map((run) => checkpointMethod(`${dataset.name}-${run.run}`, run.method)),
  );
  const pretrained = ratios.filter((row) => methods.has(row.runner));
  const bestPretrained = pretrained.sort((a, b) => b.fewLabels - a.fewLabels)[0];
  // Scratch of the same architecture as the best pretrained encoder (its compare group).
  const scratch = ratios.find(
    (row) => row.runner === 'scratch' && row.group === bestPretrained?.group,
  );
  entry.centralClaim = {
    fewLabels,
    allLabels,
    note: config.centralClaim.note,
    bestPretrained: bestPretrained ?? null,
    scratch: scratch ?? null,
    everyRunner: ratios,
  };
  entry.verdicts = verdicts(summary, methods, labels);
  // With --resume, the time of the runs that wrote the reused results is not known here.
  if (!values.resume) entry.minutes = (Date.now() - datasetStarted) / 60_000;
  report.backends = [
    ...new Set(
      report.datasets.flatMap((dataset) =>
        dataset.pretraining.map((run) => run.result?.backend).filter(Boolean),
      ),
    ),
  ];
  writeAtomically(out, report);
  const percent = (value) => (value === undefined ? 'n/a' : `${(100 * value).toFixed(1)}%`);
  for (const verdict of entry.verdicts) {
    if (verdict.margin === null) continue;
    console.log(
      `${dataset.name}, ${verdict.budget} labels: ${verdict.selfSupervisionWins ? 'self-supervision wins' : 'self-supervision loses'} — ${verdict.bestPretrained.runner} ${verdict.bestPretrained.mode} ${percent(verdict.bestPretrained.mean)} vs ${verdict.bestOther.runner} ${verdict.bestOther.mode} ${percent(verdict.bestOther.mean)}`,
    );
  }
  console.log(
    `${dataset.name}: best pretrained (${bestPretrained?.runner ?? 'none'} ${bestPretrained?.mode ?? ''}) keeps ${percent(bestPretrained?.ratio)} of its ${allLabels}-label accuracy with ${fewLabels} labels; scratch keeps ${percent(entry.centralClaim.scratch?.ratio)}. (${values.resume ? 'resumed' : `${entry.minutes.toFixed(1)} min`})`,
  );
}
if (values.resume) report.resumed = true;
else report.minutes = (Date.now() - started.getTime()) / 60_000;
writeAtomically(out, report);
console.log(`wrote ${relative(process.cwd(), out)}`);
