import { dirname, join, resolve } from 'node:path';
import { type BackendName, backendNames } from '@selfsup/core';
import { parseBenchArguments, UsageError } from '../arguments/parse-bench-arguments';
import { runBenchInGroups } from '../isolation/run-bench-in-groups';
import { referenceDirectory } from '../torch/reference-directory';
import { type WorkloadName, workloadNames } from '../workloads/workload';
import { newestResults, readResultsFile } from './newest-results';
import { type ComparisonOutcome, type RunWorkloads, runComparison } from './run-comparison';

/** Everything `pnpm bench compare` can be told. */
export type CompareCommandOptions = {
  /** CI mode: a reduced run that warns and never fails. @default false */
  readonly ci: boolean;
  /** Tolerated drop of normalised throughput. @default 0.1 */
  readonly threshold: number;
  /** Re-runs of suspected workloads before flagging. @default 1 */
  readonly reruns: number;
  /** The baseline file. @default the newest of `resultsDirectory` */
  readonly baseline: string | undefined;
  /** Where the committed results are. @default bench/results */
  readonly resultsDirectory: string | undefined;
  /** Only these workloads. @default all the baseline measured */
  readonly workloads: readonly WorkloadName[] | undefined;
  /** Timed steps, warm-up steps and rounds of each run. @default 10, 40, 5 (CI: 3, 10, 1) */
  readonly steps: number;
  readonly warmup: number;
  readonly rounds: number;
  /** Print the help and exit. */
  readonly help: boolean;
};

/** The `compare --help` text. */
export const compareHelp = `usage: pnpm bench compare [options]   (or: node bench/scripts/compare-results.mjs [options])

Runs the workloads of the newest bench/results/*.json again and flags each one whose throughput,
divided by the same run's matMul ceiling, dropped by more than the threshold; a suspect is re-run
(the machines are noisy) and flagged only when its best run is still slower.

options:
  --ci                 CI mode: reduced run (--steps 3 --warmup 10 --rounds 1 unless given),
                       regressions are warnings, the exit code is 0
  --threshold F        tolerated drop, a fraction                           (default 0.1)
  --reruns N           re-runs of the suspects before flagging              (default 1)
  --baseline FILE      compare against FILE       (default: newest bench/results/*.json)
  --results DIR        the committed results folder                        (default bench/results)
  --workloads LIST     only these workloads (of those the baseline measured)
  --steps N, --warmup N, --rounds N   as pnpm bench                          (default 10, 40, 5)
  -h, --help           this text

exit code: 0 no confirmed regression (always in --ci), 1 a confirmed regression, 2 bad usage.`;

/**
 * Parses `pnpm bench compare`'s command line.
 *
 * @param argv the arguments after `compare`.
 * @returns the options, defaults filled in.
 * @throws UsageError naming the bad argument.
 * @example parseCompareArguments(['--ci'])
 */
export function parseCompareArguments(argv: readonly string[]): CompareCommandOptions {
  let ci = false;
  let threshold = 0.1;
  let reruns = 1;
  let baseline: string | undefined;
  let resultsDirectory: string | undefined;
  let workloads: WorkloadName[] | undefined;
  let help = false;
  const passed: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    const value = (): string => {
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--'))
        throw new UsageError(`${argument} needs a value.`);
      index += 1;
      return next;
    };
    switch (argument) {
      case '--ci':
        ci = true;
        break;
      case '--threshold': {
        const text = value();
        threshold = Number(text);
        if (!(threshold > 0 && threshold < 1))
          throw new UsageError(`--threshold needs a fraction in (0, 1), e.g. 0.1; got '${text}'.`);
        break;
      }
      case '--reruns': {
        const text = value();
        reruns = Number(text);
        if (!(Number.isInteger(reruns) && reruns >= 0))
          throw new UsageError(`--reruns needs an integer ≥ 0, got '${text}'.`);
        break;
      }
      case '--baseline':
        baseline = value();
        break;
      case '--results':
        resultsDirectory = value();
        break;
      case '--workloads': {
        const names = value()
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== '');
        const unknown = names.filter(
          (name) => !(workloadNames as readonly string[]).includes(name),
        );
        if (names.length === 0 || unknown.length > 0)
          throw new UsageError(
            `--workloads takes a comma-separated list of ${workloadNames.join(', ')}; got '${unknown.join(',')}'.`,
          );
        workloads = names as WorkloadName[];
        break;
      }
      case '--steps':
      case '--warmup':
      case '--rounds':
        passed.push(argument, value());
        break;
      case '-h':
      case '--help':
        help = true;
        break;
      default:
        throw new UsageError(
          `Unknown argument '${argument}' for compare. Run pnpm bench compare --help for the options.`,
        );
    }
  }
  // CI: 10 warm-up steps, not --quick's 1, so that a reduced run is not slower than the baseline
  // for the JIT alone (the baseline's rows come after 40).
  const bench = parseBenchArguments(
    ci ? ['--quick', '--steps', '3', '--warmup', '10', ...passed] : passed,
    {},
  );
  return {
    ci,
    threshold,
    reruns,
    baseline,
    resultsDirectory,
    workloads,
    steps: bench.steps,
    warmup: bench.warmup,
    rounds: bench.rounds,
    help,
  };
}

function percent(fraction: number): string {
  return `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(1)}%`;
}

/**
 * The comparison as text: one line per workload (baseline and current normalised throughput, the
 * change, the verdict), then the regressions as warnings (CI) or errors, and missing workloads.
 *
 * @param outcome what `runComparison` concluded.
 * @param baselinePath the baseline file, named in the header.
 * @param ci CI mode (regressions are warnings).
 * @param annotate prefix warnings with GitHub's `::warning::`.
 * @default annotate false
 * @returns the text, ending with a newline.
 * @example process.stdout.write(formatComparison(outcome, 'results/x.json', true));
 */
export function formatComparison(
  outcome: ComparisonOutcome,
  baselinePath: string,
  ci: boolean,
  annotate = false,
): string {
  const lines = [
    `baseline ${baselinePath}; throughput per GFLOP/s of the same run's matMul ceiling; ${outcome.runs} run${outcome.runs === 1 ? '' : 's'}`,
  ];
  const rows = outcome.comparisons.map((entry) => [
    `${entry.workload}@${entry.backend}`,
    entry.baseline.normalised.toPrecision(4),
    entry.current.normalised.toPrecision(4),
    percent(entry.change),
    entry.regressed ? 'REGRESSION' : 'ok',
  ]);
  const header = ['workload', 'baseline', 'current', 'change', 'verdict'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((cells) => cells[column]!.length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  lines.push(line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line));
  const prefix = annotate ? '::warning::' : ci ? 'warning: ' : 'error: ';
  for (const entry of outcome.regressions) {
    lines.push(
      `${prefix}${entry.workload} on ${entry.backend}: normalised throughput ${percent(entry.change)} against the baseline (best of ${outcome.runs} runs)${ci ? ' (CI: reduced run, not failing)' : ''}`,
    );
  }
  for (const key of outcome.missing)
    lines.push(`${annotate ? '::warning::' : 'warning: '}${key} was not measured in this run.`);
  if (outcome.regressions.length === 0) lines.push('no regression beyond the threshold.');
  return `${lines.join('\n')}\n`;
}

/**
 * `pnpm bench compare`: finds the baseline, runs the comparison with the real bench (wasm etc.,
 * no PyTorch, no datasets), prints the verdict.
 *
 * @param argv the arguments after `compare`.
 * @param log where progress and the verdict go.
 * @returns the exit code (0, 1, or 2 on bad usage).
 * @example process.exitCode = await compareCommand(['--ci'], (line) => process.stderr.write(line));
 */
export async function compareCommand(
  argv: readonly string[],
  log: (text: string) => void,
): Promise<number> {
  let options: CompareCommandOptions;
  try {
    options = parseCompareArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    log(`${error.message}\n(pnpm bench compare --help for the options)\n`);
    return 2;
  }
  if (options.help) {
    log(`${compareHelp}\n`);
    return 0;
  }
  const here = process.env.INIT_CWD ?? process.cwd();
  const directory =
    options.resultsDirectory === undefined
      ? join(dirname(referenceDirectory()), 'results')
      : resolve(here, options.resultsDirectory);
  const baseline =
    options.baseline === undefined
      ? newestResults(directory)
      : readResultsFile(resolve(here, options.baseline));
  if (baseline === undefined) {
    log(
      `No bench results in ${directory}: write a baseline with pnpm bench --json results/<date>.json first.\n`,
    );
    return options.ci ? 0 : 2;
  }
  const defaults = parseBenchArguments([], {});
  const run: RunWorkloads = (workloads, backends) =>
    runBenchInGroups(
      {
        ...defaults,
        workloads,
        datasets: false,
        torch: false,
        backends: backends.filter((name): name is BackendName =>
          (backendNames as readonly string[]).includes(name),
        ),
        steps: options.steps,
        warmup: options.warmup,
        rounds: options.rounds,
      },
      (line) => log(`${line}\n`),
    );
  const outcome = await runComparison(baseline.report, run, {
    threshold: options.threshold,
    reruns: options.reruns,
    ci: options.ci,
    ...(options.workloads === undefined ? {} : { workloads: options.workloads }),
  });
  log(
    `\n${formatComparison(outcome, baseline.path, options.ci, options.ci && process.env.GITHUB_ACTIONS === 'true')}`,
  );
  return outcome.exitCode;
}
