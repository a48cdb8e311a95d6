import { type BackendName, initBackend } from '@selfsup/core';
import { type BenchOptions, requestedBackends } from './arguments/parse-bench-arguments';
import { type DatasetBenchReport, runDatasetBenchmarks } from './datasets/run-dataset-benchmarks';
import { collectGarbage } from './measure/collect-garbage';
import { type MatMulCeiling, measureMatMulCeiling } from './measure/matmul-ceiling';
import { median } from './measure/median';
import type { BenchReport, LossCheck, TorchResult, WorkloadResult } from './report/bench-report';
import { machineInfo } from './report/machine-info';
import { findTorch, type TorchAvailability } from './torch/find-torch';
import { TorchReferenceSession } from './torch/torch-reference-session';
import { allWorkloads } from './workloads/all-workloads';
import type { Workload, WorkloadName, WorkloadStep } from './workloads/workload';
import { adapterSources } from './workloads/workload-adapters';

/** Why a run without any workload that has a PyTorch reference reports no PyTorch figures. */
export const noReferenceReason = 'no selected workload has a PyTorch reference';

/** Where progress lines go (stderr in the CLI, so stdout stays clean for --json). */
export type ProgressLog = (line: string) => void;

/** The state of one workload on one backend while its rounds run. */
type LiveWorkload = {
  readonly workload: Workload;
  readonly backend: string;
  readonly threads: number;
  step?: WorkloadStep;
  parameterCount?: number;
  readonly stepTimesMs: number[];
  readonly losses: number[];
  readonly torchTimesMs: number[];
  readonly torchLosses: number[];
  torchParameterCount?: number;
  error?: string;
  torchError?: string;
};

/**
 * Splits `steps` timed steps into `rounds` near-equal rounds (larger ones first).
 *
 * @param steps the total.
 * @param rounds how many rounds (≤ steps).
 * @returns the size of each round.
 * @example splitIntoRounds(10, 3) // [4, 3, 3]
 */
export function splitIntoRounds(steps: number, rounds: number): number[] {
  return Array.from(
    { length: rounds },
    (_, round) => Math.floor(steps / rounds) + (round < steps % rounds ? 1 : 0),
  );
}

/**
 * Whether the loss fell over the timed steps: all finite and the last below the first.
 *
 * @param losses the timed steps' losses, in order.
 * @returns the verdict.
 * @example checkLoss([4.2, 4.1, 3.9]) // 'fell'
 */
export function checkLoss(losses: readonly number[]): LossCheck {
  if (losses.length === 0 || losses.some((loss) => !Number.isFinite(loss))) return 'not finite';
  return losses[losses.length - 1]! < losses[0]! ? 'fell' : 'did not fall';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** What a step's value is called in messages: a training step's loss, an inference step's check value. */
function valueName(workload: Workload): string {
  return workload.kind === 'training' ? 'loss' : 'check value';
}

/**
 * Untimed steps at the start of every round, ours and PyTorch's: a round follows other workloads,
 * and its first step pays for the switch (caches, idle worker threads waking, the young
 * generation regrown). Measured on the 2-worker rows of two full runs (2026-12-02, 5 rounds of 2
 * steps): SimCLR's first step of a round took 388–635 ms, its second 272–472; GPT's first step was
 * up to twice its second (225 against 111 ms), though not in every round. Training runs do not
 * switch, so the suite times the steps after the switch.
 */
export const untimedStepsPerRound = 1;

/**
 * Collects the heap, then runs one untimed and `count` timed steps of a live workload; stops at
 * the first non-finite value.
 */
async function runOurSteps(live: LiveWorkload, count: number): Promise<void> {
  // A round starts from a collected heap: no collection of the previous row's garbage (V8 runs
  // parts of it on its background threads, which the 2-worker rows lose CPU to) lands in it.
  collectGarbage();
  for (let i = 0; i < untimedStepsPerRound + count; i++) {
    const start = performance.now();
    const value = await live.step!.step();
    const elapsed = performance.now() - start;
    if (!Number.isFinite(value)) {
      throw new Error(
        `${valueName(live.workload)} is ${value} at step ${live.losses.length + 1}: the step is numerically broken.`,
      );
    }
    if (i < untimedStepsPerRound) continue;
    live.stepTimesMs.push(elapsed);
    live.losses.push(value);
  }
}

/** Starts the PyTorch sessions of the selected workloads (each warmed up). */
async function startTorchSessions(
  workloads: readonly Workload[],
  options: BenchOptions,
  torch: TorchAvailability,
  log: ProgressLog,
): Promise<Map<WorkloadName, TorchReferenceSession | string>> {
  const sessions = new Map<WorkloadName, TorchReferenceSession | string>();
  for (const workload of workloads) {
    if (workload.referenceScript === undefined) continue;
    if (!torch.available) {
      sessions.set(workload.name, torch.reason);
      continue;
    }
    log(
      `[torch] ${workload.name}: starting ${workload.referenceScript} (${options.warmup} warm-up steps, ${options.torchThreads} threads)…`,
    );
    try {
      sessions.set(
        workload.name,
        await TorchReferenceSession.start({
          python: torch.python,
          script: workload.referenceScript,
          threads: options.torchThreads,
          warmup: options.warmup,
          seed: options.seed,
        }),
      );
    } catch (error) {
      log(`[torch] ${workload.name}: ${message(error)}`);
      sessions.set(workload.name, message(error));
    }
  }
  return sessions;
}

/** Starts a backend (its one-line report goes to `log`); its threads, or why it cannot start. */
async function startBackend(
  backend: BackendName,
  log: ProgressLog,
): Promise<{ threads: number } | { reason: string }> {
  try {
    const info = await initBackend({ backend, onReport: (line) => log(line) });
    return { threads: info.threads };
  } catch (error) {
    return { reason: message(error) };
  }
}

/**
 * The row of a workload that could not run on a backend.
 *
 * @param workload the workload.
 * @param backend the backend.
 * @param error why it did not run.
 * @returns a row with no timings and the error.
 * @example failedResult(gptWorkload, 'node', 'backend did not start: not installed')
 */
export function failedResult(workload: Workload, backend: string, error: string): WorkloadResult {
  return {
    workload: workload.name,
    kind: workload.kind,
    description: workload.description,
    backend,
    threads: 0,
    workers: workload.workers ?? 1,
    unit: workload.unit,
    flopsPerStep: workload.flopsPerStep,
    stepTimesMs: [],
    losses: [],
    error,
  };
}

/** Turns a finished live workload into its result row. */
function toResult(
  live: LiveWorkload,
  ceiling: MatMulCeiling | undefined,
  torchFramework: string,
  torchThreads: number,
): WorkloadResult {
  const { workload } = live;
  const timedLosses = live.losses.slice(live.losses.length - live.stepTimesMs.length);
  const base = {
    workload: workload.name,
    kind: workload.kind,
    description: workload.description,
    backend: live.backend,
    threads: live.threads,
    workers: workload.workers ?? 1,
    unit: workload.unit,
    flopsPerStep: workload.flopsPerStep,
    stepTimesMs: live.stepTimesMs.map((time) => Math.round(time * 100) / 100),
    losses: live.losses,
    ...(live.parameterCount === undefined ? {} : { parameterCount: live.parameterCount }),
    ...(live.error === undefined ? {} : { error: live.error }),
    ...(live.torchError === undefined ? {} : { torchError: live.torchError }),
  };
  let torch: TorchResult | undefined;
  if (live.torchTimesMs.length > 0) {
    const torchMedian = median(live.torchTimesMs);
    torch = {
      framework: torchFramework,
      threads: torchThreads,
      msPerStep: torchMedian,
      throughput: (workload.unitsPerStep * 1000) / torchMedian,
      stepTimesMs: live.torchTimesMs,
      lossFirst: live.torchLosses[0]!,
      lossLast: live.torchLosses[live.torchLosses.length - 1]!,
      ...(live.torchParameterCount === undefined
        ? {}
        : { parameterCount: live.torchParameterCount }),
    };
  }
  if (live.stepTimesMs.length === 0 || live.error !== undefined) {
    return { ...base, ...(torch === undefined ? {} : { torch }) };
  }
  const msPerStep = median(live.stepTimesMs);
  const throughput = (workload.unitsPerStep * 1000) / msPerStep;
  const gflops = workload.flopsPerStep / (msPerStep * 1e6);
  return {
    ...base,
    msPerStep,
    throughput,
    gflops,
    ...(ceiling === undefined
      ? {}
      : { fractionOfMatMulCeiling: gflops / ceiling.gflops, matMulCeilingGflops: ceiling.gflops }),
    ...(workload.kind === 'training'
      ? {
          lossFirst: timedLosses[0]!,
          lossLast: timedLosses[timedLosses.length - 1]!,
          lossCheck: checkLoss(timedLosses),
        }
      : {}),
    ...(torch === undefined ? {} : { torch, ratio: throughput / torch.throughput }),
  };
}

/**
 * Adds `speedupOverOneWorker` to the data-parallel rows of one backend: their throughput over that
 * of the one-thread workload they parallelize, when both ran; with `roundSizes`, also
 * `speedupByRound`, the same ratio from each round's median step times (rounds sample the same
 * minutes of the host, so their spread shows how much of a speed-up is noise).
 *
 * @param results one backend's rows.
 * @param workloads the workloads that ran.
 * @param roundSizes timed steps per round ({@link splitIntoRounds}), when every row ran them all.
 * @returns the rows, data-parallel ones with their speed-up.
 * @example withSpeedups(rows, [gptWorkload, gptDataParallelWorkload], [2, 2, 2, 2, 2])
 */
export function withSpeedups(
  results: readonly WorkloadResult[],
  workloads: readonly Workload[],
  roundSizes: readonly number[] = [],
): WorkloadResult[] {
  const byName = (name: WorkloadName | undefined): Workload | undefined =>
    workloads.find((workload) => workload.name === name);
  const timed = roundSizes.reduce((total, size) => total + size, 0);
  return results.map((result) => {
    const parallel = byName(result.workload);
    const singleWorkload = byName(parallel?.parallelizes);
    const single = results.find((other) => other.workload === singleWorkload?.name);
    if (result.throughput === undefined || single?.throughput === undefined) return result;
    let start = 0;
    const byRound =
      timed > 0 &&
      result.stepTimesMs.length === timed &&
      single.stepTimesMs.length === timed &&
      parallel !== undefined &&
      singleWorkload !== undefined
        ? roundSizes.map((size) => {
            const times = (row: WorkloadResult): number =>
              median(row.stepTimesMs.slice(start, start + size));
            const speedup =
              (parallel.unitsPerStep * times(single)) /
              (singleWorkload.unitsPerStep * times(result));
            start += size;
            return speedup;
          })
        : undefined;
    return {
      ...result,
      speedupOverOneWorker: result.throughput / single.throughput,
      ...(byRound === undefined ? {} : { speedupByRound: byRound }),
    };
  });
}

/**
 * Runs the whole benchmark: for each backend, every workload's warm-up, then interleaved rounds
 * (ours A, PyTorch A, ours B, PyTorch B, …) with the matMul ceiling measured before each round;
 * medians, FLOP rates, loss checks and ratios. Then, with `options.datasets`, the datasets group
 * (`runDatasetBenchmarks`: cold loads and batch-iterator throughput) on the first backend.
 *
 * @param options the parsed command line.
 * @param log where progress lines go.
 * @returns the report (`formatResultsTable` prints it; --json writes it).
 * @example const report = await runBench(parseBenchArguments(['--workloads', 'gpt']), console.error);
 */
export async function runBench(options: BenchOptions, log: ProgressLog): Promise<BenchReport> {
  const machine = machineInfo();
  const workloads = options.workloads.map((name) => allWorkloads[name]);
  const referenced = workloads.filter((workload) => workload.referenceScript !== undefined);
  const torch: TorchAvailability =
    options.torch && referenced.length > 0
      ? findTorch(options.python)
      : {
          available: false,
          python: options.python,
          reason: options.torch ? noReferenceReason : 'skipped (--no-torch)',
        };
  if (options.torch && referenced.length > 0 && !torch.available)
    log(`PyTorch reference unavailable: ${torch.reason}; continuing without it.`);
  const sessions = await startTorchSessions(workloads, options, torch, log);
  const torchFramework = torch.available ? `pytorch ${torch.version}` : '';
  const requested = requestedBackends(options);
  const skippedBackends: { backend: string; reason: string }[] = [];
  const matMulCeilings: Record<string, MatMulCeiling> = {};
  const results: WorkloadResult[] = [];
  const rounds = splitIntoRounds(options.steps, options.rounds);
  let datasets: DatasetBenchReport | undefined;
  try {
    for (const backend of workloads.length > 0 ? requested : []) {
      const started = await startBackend(backend, log);
      if ('reason' in started) {
        const optional = options.backends === undefined && backend === 'node';
        const reason = optional
          ? '@tensorflow/tfjs-node is not installed (pnpm add @tensorflow/tfjs-node@4.22.0 to bench it)'
          : started.reason;
        log(`[${backend}] skipped: ${reason}`);
        skippedBackends.push({ backend, reason });
        if (!optional) {
          for (const workload of workloads)
            results.push(failedResult(workload, backend, `backend did not start: ${reason}`));
        }
        continue;
      }
      // The ceiling is measured before every round too (the machine's load drifts); median of all.
      const ceilingTimes: number[] = [];
      const measureCeiling = (when: string): void => {
        const measured = measureMatMulCeiling(options.matMulSize);
        ceilingTimes.push(measured.msPerProduct);
        log(
          `[${backend}] matMul ${measured.size}³ ${when}: ${measured.msPerProduct.toFixed(1)} ms, ${measured.gflops.toFixed(1)} GFLOP/s`,
        );
      };
      measureCeiling('at start');
      const live: LiveWorkload[] = [];
      for (const workload of workloads) {
        const entry: LiveWorkload = {
          workload,
          backend,
          threads: started.threads,
          stepTimesMs: [],
          losses: [],
          torchTimesMs: [],
          torchLosses: [],
        };
        live.push(entry);
        try {
          entry.step = await workload.createStep(options.seed);
          entry.parameterCount = entry.step.parameterCount;
          const start = performance.now();
          for (let i = 0; i < options.warmup; i++) {
            const value = await entry.step.step();
            entry.losses.push(value);
            if (!Number.isFinite(value))
              throw new Error(
                `${valueName(workload)} is ${value} at warm-up step ${i + 1}: the step is numerically broken.`,
              );
          }
          log(
            `[${backend}] ${workload.name}: ${entry.parameterCount.toLocaleString('en-US')} parameters, ${options.warmup} warm-up steps in ${((performance.now() - start) / 1000).toFixed(1)} s${entry.losses.length > 0 ? `, ${valueName(workload)} ${entry.losses.map((loss) => loss.toFixed(3)).join(', ')}` : ''}`,
          );
        } catch (error) {
          entry.error = message(error);
          log(`[${backend}] ${workload.name} failed: ${entry.error}`);
        }
      }
      for (const [round, count] of rounds.entries()) {
        if (round > 0) measureCeiling(`before round ${round + 1}`);
        for (const entry of live) {
          const name = entry.workload.name;
          if (entry.error === undefined) {
            try {
              await runOurSteps(entry, count);
              const times = entry.stepTimesMs.slice(-count);
              log(
                `[${backend}] ${name} round ${round + 1}/${rounds.length}: ${count} steps, median ${median(times).toFixed(1)} ms, ${valueName(entry.workload)} ${entry.losses[entry.losses.length - 1]!.toFixed(4)}`,
              );
            } catch (error) {
              entry.error = message(error);
              log(`[${backend}] ${name} failed: ${entry.error}`);
            }
          }
          const session = sessions.get(name);
          if (session instanceof TorchReferenceSession) {
            try {
              const answered = await session.run(untimedStepsPerRound + count);
              const torchRound = {
                timesMs: answered.timesMs.slice(untimedStepsPerRound),
                losses: answered.losses.slice(untimedStepsPerRound),
              };
              if (typeof session.info.params === 'number')
                entry.torchParameterCount = session.info.params;
              entry.torchTimesMs.push(...torchRound.timesMs);
              entry.torchLosses.push(...torchRound.losses);
              log(
                `[torch] ${name} round ${round + 1}/${rounds.length}: ${count} steps, median ${median(torchRound.timesMs).toFixed(1)} ms, loss ${torchRound.losses[torchRound.losses.length - 1]!.toFixed(4)}`,
              );
            } catch (error) {
              entry.torchError = message(error);
              sessions.set(name, entry.torchError);
              log(`[torch] ${name} failed: ${entry.torchError}`);
            }
          } else if (session !== undefined && torch.available) {
            entry.torchError = session;
          }
        }
      }
      const msPerProduct = median(ceilingTimes);
      const ceiling = {
        size: options.matMulSize,
        msPerProduct,
        gflops: (2 * options.matMulSize ** 3) / (msPerProduct * 1e6),
      };
      matMulCeilings[backend] = ceiling;
      const backendResults: WorkloadResult[] = [];
      for (const entry of live) {
        await entry.step?.dispose();
        backendResults.push(toResult(entry, ceiling, torchFramework, options.torchThreads));
      }
      results.push(...withSpeedups(backendResults, workloads, rounds));
    }
    if (options.datasets) {
      // After the workloads (first loads in the process), on the first requested backend.
      const backend = requested[0] ?? 'wasm';
      const started = await startBackend(backend, log);
      if ('reason' in started)
        throw new Error(`datasets: backend ${backend} did not start: ${started.reason}`);
      datasets = runDatasetBenchmarks({ batches: options.datasetBatches, seed: options.seed }, log);
    }
  } finally {
    for (const session of sessions.values()) {
      if (session instanceof TorchReferenceSession) await session.close();
    }
  }
  return {
    machine,
    settings: {
      workloads: options.workloads,
      datasets: options.datasets,
      backends:
        workloads.length === 0
          ? datasets === undefined
            ? []
            : [datasets.backend]
          : requested.filter(
              (backend) => !skippedBackends.some((skipped) => skipped.backend === backend),
            ),
      steps: options.steps,
      warmup: options.warmup,
      rounds: options.rounds,
      seed: options.seed,
      isolation: 'none',
    },
    adapters: adapterSources,
    torch: torch.available
      ? { available: true, python: torch.python, version: torch.version }
      : { available: false, python: torch.python, reason: torch.reason },
    matMulCeilings,
    skippedBackends,
    results,
    ...(datasets === undefined ? {} : { datasets }),
  };
}
