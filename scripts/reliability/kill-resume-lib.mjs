/**
 * The SIGKILL-and-resume harness shared by `scripts/reliability/kill-resume.mjs` (the full run,
 * 20+ kills) and `tests/reliability/crash-resume.test.ts` (the reduced CI run): it trains with the
 * built `selfsup` binary, kills it with SIGKILL at random moments (startup, steps, checkpoint
 * writes), checks after every kill that each `step-N` checkpoint on disk is complete and intact,
 * continues with `--resume` (or starts over with `--force` when no checkpoint was completed yet),
 * and finally compares the weights, optimizer state and objective state of the last checkpoint
 * byte for byte with an uninterrupted run of the same seed and backend.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A seeded uniform random number generator in [0, 1) (mulberry32). */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs the CLI; resolves with code, signal, stdout, stderr, seconds and `startupSeconds` (until
 * the `pretraining:` line). `kill` SIGKILLs it: a number is ms after the start, `{ ms }` is ms
 * after the `pretraining:` line (training has begun).
 */
export function runCliProcess(cli, args, cwd, kill, environment = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let startupSeconds;
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: { ...process.env, SELFSUP_BACKEND: 'wasm', ...environment },
    });
    let stdout = '';
    let stderr = '';
    let timer;
    const arm = (ms) => {
      timer = setTimeout(() => child.kill('SIGKILL'), ms);
    };
    child.stdout.on('data', (chunk) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk.toString();
      if (startupSeconds === undefined && stderr.includes('pretraining:')) {
        startupSeconds = (performance.now() - started) / 1000;
        if (typeof kill === 'object') arm(kill.ms);
      }
    });
    if (typeof kill === 'number') arm(kill);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        seconds: (performance.now() - started) / 1000,
        startupSeconds: startupSeconds ?? null,
      });
    });
  });
}

/** The `step-N` directories of a run directory, sorted by step. */
export function stepDirectories(runDirectory) {
  if (!existsSync(runDirectory)) return [];
  return readdirSync(runDirectory)
    .filter((name) => /^step-\d+$/.test(name))
    .sort();
}

/** Hidden leftovers of interrupted writes and deletions: `.step-N.partial-*`, `.step-N.previous`, `.step-N.deleting-*`, `*.tmp`. */
export function interruptedWriteLeftovers(runDirectory) {
  if (!existsSync(runDirectory)) return [];
  return readdirSync(runDirectory).filter(
    (name) => /^\.step-\d+\.(partial-|previous|deleting-)/.test(name) || name.endsWith('.tmp'),
  );
}

function checkModelDirectory(directory, problems) {
  const modelPath = join(directory, 'model.json');
  if (!existsSync(modelPath)) {
    problems.push(`${modelPath} missing`);
    return;
  }
  const model = JSON.parse(readFileSync(modelPath, 'utf8'));
  let expected = 0;
  let actual = 0;
  for (const group of model.weightsManifest) {
    for (const spec of group.weights) {
      expected += spec.shape.reduce((product, size) => product * size, 1) * 4;
    }
    for (const path of group.paths) {
      const shard = join(directory, path);
      if (existsSync(shard)) actual += statSync(shard).size;
      else problems.push(`${shard} missing`);
    }
  }
  if (expected !== actual)
    problems.push(`${directory}: ${actual} bytes of weights, manifest says ${expected}`);
}

/**
 * Checks that a checkpoint directory is complete: its manifest parses, and every model and
 * named-tensor file holds exactly the bytes its spec describes.
 *
 * @returns the problems found (empty when intact).
 */
export function checkCheckpointIntact(directory) {
  const problems = [];
  const manifestPath = join(directory, 'selfsup.json');
  if (!existsSync(manifestPath)) return [`${manifestPath} missing`];
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    return [`${manifestPath} is not JSON: ${error.message}`];
  }
  checkModelDirectory(join(directory, 'encoder'), problems);
  for (const head of manifest.heads ?? [])
    checkModelDirectory(join(directory, 'heads', head), problems);
  for (const group of ['optimizer', 'state']) {
    const specPath = join(directory, group, 'tensors.json');
    if (!existsSync(specPath)) continue;
    const { specs } = JSON.parse(readFileSync(specPath, 'utf8'));
    const expected = specs.reduce(
      (total, spec) => total + spec.shape.reduce((product, size) => product * size, 1) * 4,
      0,
    );
    const size = statSync(join(directory, group, 'tensors.bin')).size;
    if (size !== expected)
      problems.push(`${group}/tensors.bin: ${size} bytes, specs say ${expected}`);
  }
  return problems;
}

/** Every binary file of a checkpoint (weights, optimizer, objective state), by relative path. */
export function checkpointBytes(directory) {
  const files = {};
  const walk = (relative) => {
    for (const entry of readdirSync(join(directory, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.bin')) files[path] = readFileSync(join(directory, path));
    }
  };
  walk('');
  return files;
}

/**
 * Kills `selfsup pretrain` `kills` times at random moments and resumes it each time; compares the
 * end with an uninterrupted run.
 *
 * @param options `cli` (path of the built selfsup.js), `workDirectory`, `kills`, `seed` (of the
 *   kill moments), `method` (default rotation), `steps`, `checkpointEvery`, `flags` (data/encoder
 *   flags), `log` (progress lines).
 * @returns a JSON-ready record of every kill and the comparison.
 */
export async function killAndResume(options) {
  const {
    cli,
    workDirectory,
    kills,
    seed = 1,
    method = 'rotation',
    steps = 40,
    checkpointEvery = 2,
    flags = [],
    log = () => {},
  } = options;
  const random = seededRandom(seed);
  const common = [
    ...flags,
    '--steps',
    String(steps),
    '--checkpoint-every',
    String(checkpointEvery),
  ];
  const reference = await runCliProcess(
    cli,
    ['pretrain', method, ...common, '--out', 'reference', '--json'],
    workDirectory,
  );
  if (reference.code !== 0) throw new Error(`the uninterrupted run failed:\n${reference.stderr}`);
  const startupMs = (reference.startupSeconds ?? 0) * 1000;
  const trainingMs = reference.seconds * 1000 - startupMs;
  log(
    `uninterrupted run: ${reference.seconds.toFixed(1)} s (${(startupMs / 1000).toFixed(1)} s of startup)`,
  );
  const out = 'interrupted';
  const runDirectory = join(workDirectory, out);
  const records = [];
  let finalRun;
  let lastExpectedResume = null;
  let startOver = true;
  let finishedEarly = 0;
  while (finalRun === undefined) {
    const kill = records.length < kills;
    let before = startOver ? [] : stepDirectories(runDirectory);
    // Killed after its last step (while writing charts): train again from scratch so that the
    // remaining kills land in training, not in an empty resume.
    if (kill && before.length > 0 && Number(before.at(-1).slice(5)) >= steps) {
      finishedEarly++;
      before = [];
    }
    const resume = before.length > 0;
    lastExpectedResume = resume ? join(out, before.at(-1)) : null;
    const args = resume
      ? ['pretrain', method, '--out', out, '--resume', '--json']
      : ['pretrain', method, ...common, '--out', out, '--force', '--json'];
    // One kill in five during startup; the others during training (steps and checkpoint
    // writes), uniformly over the steps left.
    const resumedStep = resume ? Number(before.at(-1).slice(5)) : 0;
    const duringStartup = random() < 0.2;
    const killAfterMs = kill
      ? Math.round(
          random() * (duringStartup ? startupMs : (trainingMs * (steps - resumedStep)) / steps),
        )
      : undefined;
    const run = await runCliProcess(
      cli,
      args,
      workDirectory,
      killAfterMs === undefined ? undefined : duringStartup ? killAfterMs : { ms: killAfterMs },
    );
    startOver = false;
    if (run.signal === null) {
      if (run.code !== 0)
        throw new Error(`${args.join(' ')} failed with code ${run.code}:\n${run.stderr}`);
      if (!kill) finalRun = run;
      else {
        // It finished before the kill moment: train the whole run again, so that every kill counts.
        finishedEarly++;
        startOver = true;
      }
      continue;
    }
    const after = stepDirectories(runDirectory);
    const leftovers = interruptedWriteLeftovers(runDirectory);
    // A step-N without its manifest is not a checkpoint (resume skips it): the leftover of a
    // deletion cut short while pruning old checkpoints. Damaged = a manifest with bad files.
    const incomplete = after.filter(
      (name) => !existsSync(join(runDirectory, name, 'selfsup.json')),
    );
    const damaged = after
      .filter((name) => !incomplete.includes(name))
      .flatMap((name) => checkCheckpointIntact(join(runDirectory, name)));
    const record = {
      killAfterMs,
      phase: duringStartup ? 'startup' : 'training',
      killed: true,
      resumedFrom: lastExpectedResume,
      checkpointsAfterKill: after,
      duringCheckpointWrite: leftovers.some((name) => name.startsWith('.step-')),
      leftovers,
      incomplete,
      damaged,
    };
    records.push(record);
    log(
      `kill ${records.length}/${kills} ${duringStartup ? 'in startup' : 'in training'} after ${killAfterMs} ms: ${after.join(', ') || 'no checkpoint'}` +
        `${record.duringCheckpointWrite ? ' (during a checkpoint write)' : ''}` +
        `${incomplete.length > 0 ? ` (half-deleted, ignored: ${incomplete.join(', ')})` : ''}${damaged.length > 0 ? ` DAMAGED: ${damaged.join('; ')}` : ''}`,
    );
  }
  const result = JSON.parse(finalRun.stdout);
  const finalName = stepDirectories(runDirectory).at(-1);
  const referenceName = stepDirectories(join(workDirectory, 'reference')).at(-1);
  const resumedBytes = checkpointBytes(join(runDirectory, finalName));
  const referenceBytes = checkpointBytes(join(workDirectory, 'reference', referenceName));
  const differing = Object.keys(referenceBytes).filter(
    (path) => resumedBytes[path] === undefined || !resumedBytes[path].equals(referenceBytes[path]),
  );
  return {
    method,
    steps,
    checkpointEvery,
    seed,
    kills: records,
    runsThatFinishedBeforeTheirKill: finishedEarly,
    killedDuringCheckpointWrite: records.filter((record) => record.duringCheckpointWrite).length,
    halfDeletedDirectories: records.reduce(
      (total, record) => total + (record.incomplete?.length ?? 0),
      0,
    ),
    damagedCheckpoints: records.reduce((total, record) => total + (record.damaged?.length ?? 0), 0),
    finalStep: result.step,
    finalResumedFrom: result.resumedFrom,
    expectedResumedFrom: lastExpectedResume,
    finalCheckpoint: finalName,
    referenceCheckpoint: referenceName,
    comparedFiles: Object.keys(referenceBytes).sort(),
    differingFiles: differing,
    identicalToUninterrupted: differing.length === 0 && finalName === referenceName,
  };
}

/**
 * Builds the `selfsup` binary from `apps/cli` source into a private folder (inside
 * `apps/cli/node_modules/.cache`, so that its imports resolve like `dist/`'s do), so that other
 * builds of `apps/cli/dist` cannot change or delete it under a long run.
 *
 * @param repositoryRoot the monorepo root.
 * @param label a name for the folder.
 * @returns the path of the built `selfsup.js`.
 */
export async function buildPrivateCli(repositoryRoot, label) {
  const { execFileSync } = await import('node:child_process');
  const cliRoot = join(repositoryRoot, 'apps', 'cli');
  const outDirectory = join(cliRoot, 'node_modules', '.cache', `selfsup-${label}-${process.pid}`);
  execFileSync(
    process.execPath,
    [
      join(cliRoot, 'node_modules', 'tsup', 'dist', 'cli-default.js'),
      '--out-dir',
      outDirectory,
      '--no-sourcemap',
    ],
    { cwd: cliRoot, stdio: 'pipe' },
  );
  return join(outDirectory, 'selfsup.js');
}
