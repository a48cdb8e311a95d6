import { resolve } from 'node:path';
import { exportStaticDatasets } from './export-static-datasets';
import { type StaticDatasetId, staticDatasetIds } from './static-layout';

const usage = `Usage: node packages/data/scripts/export-static.mjs <outDir> [--datasets id,id,…]

Writes the real datasets of @selfsup/data as static files (IDX bytes, UTF-8 text + JSON index)
and a manifest.json into <outDir>, for a web page to fetch with createBrowserDatasets(baseUrl).

Options:
  --datasets  comma-separated ids (default: all): ${staticDatasetIds.join(', ')}
  --help      show this help`;

/** Where the command writes: standard output and standard error. */
export type CommandOutput = {
  readonly log: (line: string) => void;
  readonly error: (line: string) => void;
};

/**
 * The `export-static` command: parses its arguments, calls `exportStaticDatasets` and prints one
 * line per dataset (files, megabytes, counts).
 *
 * @param argumentList the arguments after the script name, e.g. `['public/datasets', '--datasets', 'mnist']`.
 * @param output where to print.
 * @default output the console
 * @returns the exit code: 0 done, 1 failed, 2 bad usage.
 * @example
 * process.exitCode = runExportStaticCommand(process.argv.slice(2));
 */
export function runExportStaticCommand(
  argumentList: readonly string[],
  output: CommandOutput = { log: console.log, error: console.error },
): number {
  const positional: string[] = [];
  let datasets: StaticDatasetId[] | undefined;
  for (let i = 0; i < argumentList.length; i++) {
    const argument = argumentList[i]!;
    if (argument === '--help' || argument === '-h') {
      output.log(usage);
      return 0;
    }
    if (argument === '--datasets' || argument.startsWith('--datasets=')) {
      const value = argument.includes('=')
        ? argument.slice(argument.indexOf('=') + 1)
        : argumentList[++i];
      const ids = (value ?? '').split(',').filter((id) => id !== '');
      const unknown = ids.filter((id) => !staticDatasetIds.includes(id as StaticDatasetId));
      if (ids.length === 0 || unknown.length > 0) {
        output.error(
          `--datasets: ${unknown.length > 0 ? `unknown ${unknown.join(', ')}` : 'no ids given'}; choose among ${staticDatasetIds.join(', ')}.\n\n${usage}`,
        );
        return 2;
      }
      datasets = ids as StaticDatasetId[];
    } else if (argument.startsWith('-')) {
      output.error(`Unknown option ${argument}.\n\n${usage}`);
      return 2;
    } else {
      positional.push(argument);
    }
  }
  if (positional.length !== 1) {
    output.error(`Give exactly one output folder (got ${positional.length}).\n\n${usage}`);
    return 2;
  }
  const outDirectory = resolve(positional[0]!);
  const start = Date.now();
  try {
    const manifest = exportStaticDatasets(outDirectory, {
      datasets,
      onDataset: (entry) => {
        const bytes = Object.values(entry.files).reduce((total, file) => total + file.bytes, 0);
        const counts = Object.entries(entry.counts)
          .map(([name, count]) => `${name} ${count}`)
          .join(', ');
        output.log(
          `${entry.id.padEnd(14)} ${String(Object.keys(entry.files).length).padStart(2)} files ${(bytes / 1e6).toFixed(1).padStart(6)} MB  (${counts})`,
        );
      },
    });
    output.log(
      `Wrote ${Object.keys(manifest.datasets).length} datasets and manifest.json to ${outDirectory} in ${((Date.now() - start) / 1000).toFixed(1)} s.`,
    );
    return 0;
  } catch (error) {
    output.error(`export-static failed: ${(error as Error).message}`);
    return 1;
  }
}
