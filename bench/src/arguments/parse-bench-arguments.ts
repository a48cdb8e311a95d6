import { type BackendName, backendNames } from '@selfsup/core';
import { type WorkloadName, workloadNames } from '../workloads/workload';

/** Everything `pnpm bench` can be told on its command line. */
export type BenchOptions = {
  /** Workloads to run, in order. @default every one of `workloadNames` */
  readonly workloads: readonly WorkloadName[];
  /** Run the `datasets` group (loads and batch iterators) after the workloads. @default true */
  readonly datasets: boolean;
  /** Timed batches per dataset of the `datasets` group (after the first). @default 10 */
  readonly datasetBatches: number;
  /** Backends to run, in order; undefined: wasm, plus tfjs-node ('node') when installed. */
  readonly backends: readonly BackendName[] | undefined;
  /** Timed steps per workload and backend (split over the rounds). @default 10 */
  readonly steps: number;
  /** Untimed warm-up steps before timing ({@link defaultWarmupSteps}). @default 40 */
  readonly warmup: number;
  /**
   * Interleaved rounds (ours A, PyTorch A, ours B, PyTorch B, … repeated). Five short rounds, not two
   * long ones: this host's speed drifts by ±20% over minutes, and rows compared with each other (one
   * thread vs 2 workers, ours vs PyTorch) should sample the same minutes. @default 5
   */
  readonly rounds: number;
  /** Run the PyTorch reference when importable. @default true */
  readonly torch: boolean;
  /** The Python with torch. @default SELFSUP_PYTHON, else /usr/bin/python3 */
  readonly python: string;
  /** Threads of the PyTorch reference. @default 2 */
  readonly torchThreads: number;
  /** Where --json writes: a path, '-' for stdout, undefined for no JSON. */
  readonly json: string | undefined;
  /** Seed of weights and data. @default 0 */
  readonly seed: number;
  /** n of the n×n·n×n matMul ceiling. @default 512 */
  readonly matMulSize: number;
  /**
   * Run every workload in this process; by default each group of workloads (a one-thread workload
   * with the ones that parallelize it, any other alone) runs in a process of its own, so that no
   * row pays for another's heap, JIT or worker threads. @default false
   */
  readonly inProcess: boolean;
  /** Print the help and exit. */
  readonly help: boolean;
};

/**
 * The backends a run asks for: `--backend`'s list, else wasm plus tfjs-node ('node', skipped
 * when it is not installed).
 *
 * @param options the parsed command line.
 * @returns the backends, in order.
 * @example requestedBackends(parseBenchArguments([])) // ['wasm', 'node']
 */
export function requestedBackends(options: Pick<BenchOptions, 'backends'>): readonly BackendName[] {
  return options.backends ?? ['wasm', 'node'];
}

/**
 * Untimed steps before the timed ones. V8 keeps tiering the step's JavaScript up (TurboFan, on its
 * background threads) for the first few dozen steps: on 2 cores those compiles take CPU from the
 * data-parallel workers, though not from a one-thread step (the second core is free). Measured
 * (2026-12-02, GPT split across 2 workers, mean per 10 steps): 177 ms over steps 1–10, 102 over
 * 11–20, 93 from step 41 on, with V8's background threads using 86, 27 and ~14 ms of CPU per step.
 */
export const defaultWarmupSteps = 40;

/** What `--quick` sets, unless given explicitly: a smoke run that shows the table in minutes. */
export const quickSettings = { steps: 2, warmup: 1, rounds: 1, datasetBatches: 2 } as const;

/** A command-line mistake: the CLI prints it with the help hint and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The `--help` text. */
export const benchHelp = `usage: pnpm bench [options]      (or: node bench/dist/cli.js [options])

Times selfsup's training steps on tfjs backends, interleaved with the repo's PyTorch reference,
then each dataset's load and batch iterator.

options:
  --workloads LIST     comma-separated, in this order (default all):
                       training steps: gpt, gpt-batch-24, simclr, bert, mae, wavenet
                       data-parallel: gpt-data-parallel, simclr-data-parallel (the gpt and
                         simclr steps on 2 worker threads; speed-up over one thread reported),
                         gpt-data-parallel-per-worker-batch (gpt-batch-24 split: 12 per worker)
                       inference: generate, generate-no-cache (GPT tokens/s with and without
                         the KV cache), encode-convnet, encode-transformer (core's encode)
                       datasets: each dataset's cold load and batch-iterator throughput
  --backend LIST       comma-separated selfsup backends: wasm, node, node-gpu, cpu, …
                       (default: wasm, plus node when @tensorflow/tfjs-node is installed;
                        cpu takes minutes per step: only on request)
  --steps N            timed steps per workload and backend, median reported  (default 10)
  --warmup N           untimed warm-up steps first (V8's JIT settles)     (default 40)
  --rounds N           interleaved rounds (ours A, torch A, ours B, torch B)  (default 5)
  --no-torch           skip the PyTorch reference
  --python PATH        the Python with torch  (default $SELFSUP_PYTHON, else /usr/bin/python3)
  --torch-threads N    torch.set_num_threads of the reference               (default 2)
  --json [FILE]        write the figures as JSON to FILE (or to stdout when FILE is omitted or
                       '-'; the table then goes to stderr)
  --seed N             seed of weights and data                             (default 0)
  --matmul-size N      size of the n×n·n×n matMul ceiling                   (default 512)
  --dataset-batches N  timed batches per dataset (datasets group)          (default 10)
  --in-process         run every workload in this process (default: each group, e.g. gpt with
                       its data-parallel rows, in a fresh process of its own, one after another)
  --quick              a smoke run: --steps 2 --warmup 1 --rounds 1 --dataset-batches 2
                       (flags given explicitly win)
  -h, --help           this text

exit code: 0 all workloads ran and every training loss fell, 1 a workload or dataset failed,
2 bad usage.

pnpm bench compare [options]: rerun the workloads of the newest bench/results/*.json and flag
throughput drops (normalised by the matMul ceiling); see pnpm bench compare --help.`;

/** `--workloads` names: the training workloads and the `datasets` group. */
const groupNames: readonly string[] = [...workloadNames, 'datasets'];

/**
 * Parses `pnpm bench`'s command line.
 *
 * @param argv the arguments after the script (`process.argv.slice(2)`).
 * @param environment where `SELFSUP_PYTHON` is read from.
 * @default environment process.env
 * @returns the options, defaults filled in.
 * @throws UsageError naming the bad argument and what is accepted.
 * @example parseBenchArguments(['--workloads', 'gpt', '--steps', '12'])
 */
export function parseBenchArguments(
  argv: readonly string[],
  environment: Readonly<Record<string, string | undefined>> = process.env,
): BenchOptions {
  let workloads: readonly WorkloadName[] = workloadNames;
  let datasets = true;
  let datasetBatches = 10;
  let backends: readonly BackendName[] | undefined;
  let steps = 10;
  let warmup = defaultWarmupSteps;
  let rounds = 5;
  let torch = true;
  let python = environment.SELFSUP_PYTHON ?? '/usr/bin/python3';
  let torchThreads = 2;
  let json: string | undefined;
  let seed = 0;
  let matMulSize = 512;
  let inProcess = false;
  let help = false;
  let quick = false;
  const explicit = new Set<string>();
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    const [flag, inlineValue] =
      argument.startsWith('--') && argument.includes('=')
        ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)]
        : [argument, undefined];
    const value = (): string => {
      if (inlineValue !== undefined) return inlineValue;
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--'))
        throw new UsageError(`${flag} needs a value.`);
      index += 1;
      return next;
    };
    const integer = (minimum: number): number => {
      const text = value();
      const parsed = Number(text);
      if (!Number.isInteger(parsed) || parsed < minimum) {
        throw new UsageError(`${flag} needs an integer ≥ ${minimum}, got '${text}'.`);
      }
      return parsed;
    };
    explicit.add(flag);
    switch (flag) {
      case '--quick':
        quick = true;
        break;
      case '--workloads': {
        const names = value()
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== '');
        const unknown = names.filter((name) => !groupNames.includes(name));
        if (names.length === 0 || unknown.length > 0) {
          throw new UsageError(
            `--workloads takes a comma-separated list of ${groupNames.join(', ')}; got '${unknown.join(',')}'.`,
          );
        }
        workloads = [...new Set(names.filter((name) => name !== 'datasets') as WorkloadName[])];
        datasets = names.includes('datasets');
        break;
      }
      case '--backend':
      case '--backends': {
        const names = value()
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== '');
        const unknown = names.filter((name) => !(backendNames as readonly string[]).includes(name));
        if (names.length === 0 || unknown.length > 0) {
          throw new UsageError(
            `${flag} takes a comma-separated list of ${backendNames.join(', ')}; got '${unknown.join(',')}'.`,
          );
        }
        backends = [...new Set(names as BackendName[])];
        break;
      }
      case '--steps':
        steps = integer(2);
        break;
      case '--warmup':
        warmup = integer(0);
        break;
      case '--rounds':
        rounds = integer(1);
        break;
      case '--no-torch':
        torch = false;
        break;
      case '--python':
        python = value();
        break;
      case '--torch-threads':
        torchThreads = integer(1);
        break;
      case '--json': {
        const next = argv[index + 1];
        if (inlineValue !== undefined) json = inlineValue;
        else if (next !== undefined && !next.startsWith('--')) {
          json = next;
          index += 1;
        } else json = '-';
        break;
      }
      case '--seed':
        seed = integer(0);
        break;
      case '--matmul-size':
        matMulSize = integer(1);
        break;
      case '--dataset-batches':
        datasetBatches = integer(1);
        break;
      case '--in-process':
        inProcess = true;
        break;
      case '-h':
      case '--help':
        help = true;
        break;
      default:
        throw new UsageError(`Unknown argument '${argument}'. Run with --help for the options.`);
    }
  }
  if (quick) {
    if (!explicit.has('--steps')) steps = quickSettings.steps;
    if (!explicit.has('--warmup')) warmup = quickSettings.warmup;
    if (!explicit.has('--rounds')) rounds = quickSettings.rounds;
    if (!explicit.has('--dataset-batches')) datasetBatches = quickSettings.datasetBatches;
  }
  // The default rounds shrink to fit a short --steps; explicit ones are checked.
  if (!explicit.has('--rounds')) rounds = Math.min(rounds, steps);
  if (rounds > steps) {
    throw new UsageError(
      `--rounds (${rounds}) cannot exceed --steps (${steps}): each round times at least one step.`,
    );
  }
  return {
    workloads,
    datasets,
    datasetBatches,
    backends,
    steps,
    warmup,
    rounds,
    torch,
    python,
    torchThreads,
    json,
    seed,
    matMulSize,
    inProcess,
    help,
  };
}
