/**
 * `pnpm bench`: times selfsup's training steps (GPT, SimCLR, BERT, MAE, WaveNet; GPT and SimCLR
 * interleaved with the repo's PyTorch reference), GPT generation and `encode`, then the datasets'
 * loads and batch iterators, and prints the tables (or writes --json). `pnpm bench compare`
 * flags throughput regressions against the newest committed results. See bench/README.md.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchHelp, parseBenchArguments, UsageError } from './arguments/parse-bench-arguments';
import { compareCommand } from './compare/compare-command';
import { runBenchInGroups } from './isolation/run-bench-in-groups';
import { formatResultsTable } from './report/format-results-table';
import { runBench } from './run-bench';

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'compare')
    return compareCommand(argv.slice(1), (text) => process.stderr.write(text));
  let options: ReturnType<typeof parseBenchArguments>;
  try {
    options = parseBenchArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n(pnpm bench --help for the options)\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${benchHelp}\n`);
    return 0;
  }
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const report = options.inProcess
    ? await runBench(options, log)
    : await runBenchInGroups(options, log);
  const table = formatResultsTable(report);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (options.json === '-') {
    process.stderr.write(`\n${table}`);
    process.stdout.write(json);
  } else {
    process.stdout.write(`\n${table}`);
    if (options.json !== undefined) {
      // pnpm runs scripts in the package folder: resolve against the folder the user typed in.
      const path = resolve(process.env.INIT_CWD ?? process.cwd(), options.json);
      writeFileSync(path, json);
      process.stderr.write(`figures written to ${path}\n`);
    }
  }
  const failed =
    report.results.some(
      (result) =>
        result.error !== undefined ||
        ((result.kind ?? 'training') === 'training' && result.lossCheck !== 'fell'),
    ) ||
    (report.datasets?.results.some((result) => result.error !== undefined) ?? false);
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `pnpm bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
