import { join } from 'node:path';
import type { CAC } from 'cac';
import { writeJsonAtomically } from '../io/atomic-write';
import { createCommandOutput } from '../io/command-output';
import { prepareOutputDirectory } from '../io/output-directory';
import { parseBackend, parseChoice } from './common-flags';
import { parsePositiveInteger } from './parse-flags';

/** `selfsup project <checkpoint>`: a 2-D PCA/UMAP chart of the embeddings coloured by label. */
export function registerProjectCommand(cli: CAC): void {
  cli
    .command(
      'project <checkpoint>',
      'Project the embeddings of a split to 2-D (PCA or UMAP) and chart them coloured by label',
    )
    .option('--method <method>', 'pca or umap (default pca)')
    .option('--data <id|path>', 'Dataset (default: the one pretrained on)')
    .option('--split <split>', 'train or test (default test)')
    .option('--limit <n>', 'Only the first N examples (default 1000)')
    .option('--seed <n>', 'UMAP seed (default 0)')
    .option('--out <dir>', 'Where projection.json/.svg/.png go (default runs/projection)')
    .option('--force', 'Replace an existing --out directory')
    .option('--backend <name>', 'Force a backend: node-gpu, node, wasm, cpu')
    .option('--json', 'Print a summary as one JSON document')
    .option('--quiet', 'No logs')
    .example('selfsup project runs/simclr --method umap --limit 2000 --out runs/simclr-umap')
    .action(async (checkpoint: string, flags: Record<string, unknown>) => {
      const output = createCommandOutput(flags);
      const method = parseChoice(flags.method ?? 'pca', '--method', ['pca', 'umap'] as const);
      const seed = parsePositiveInteger(flags.seed ?? 0, '--seed', 0);
      const out = String(flags.out ?? join('runs', 'projection'));
      const encodeOptions = {
        checkpoint,
        data: flags.data === undefined ? undefined : String(flags.data),
        split: parseChoice(flags.split ?? 'test', '--split', ['train', 'test'] as const),
        limit: parsePositiveInteger(flags.limit ?? 1000, '--limit'),
        backend: parseBackend(flags.backend),
      };
      await prepareOutputDirectory(out, Boolean(flags.force));
      const { encodeSplit } = await import('../embeddings/encode-split');
      const { projectTo2d } = await import('../embeddings/embeddings-io');
      const { writeChartFiles } = await import('../charts/write-charts');
      const encoded = await encodeSplit(encodeOptions, output);
      const projection = await projectTo2d(encoded.embeddings, encoded.dimension, method, seed);
      const points = Array.from({ length: encoded.rows }, (_, index) => ({
        x: projection.points[2 * index] ?? 0,
        y: projection.points[2 * index + 1] ?? 0,
        label: encoded.classNames[encoded.labels[index] ?? 0] ?? String(encoded.labels[index]),
      }));
      const files = [join(out, 'projection.json')];
      await writeJsonAtomically(files[0]!, {
        method,
        checkpoint: encoded.checkpoint,
        data: encoded.data,
        split: encoded.split,
        ...(projection.explainedVariance === undefined
          ? {}
          : { explainedVariance: projection.explainedVariance }),
        points,
      });
      const axis = (index: number): string => {
        const share = projection.explainedVariance?.[index];
        return share === undefined
          ? `${method.toUpperCase()} ${index + 1}`
          : `PC ${index + 1} (${(100 * share).toFixed(0)}%)`;
      };
      const chart = await writeChartFiles(out, 'projection', 'projectionChart', points, {
        title: `${encoded.method} embeddings of ${encoded.data} (${encoded.split})`,
        xTitle: axis(0),
        yTitle: axis(1),
        labelTitle: 'Class',
      });
      if ('files' in chart) files.push(...chart.files);
      else output.log(`note: ${chart.skipped}`);
      const summary = {
        method,
        rows: encoded.rows,
        dimension: encoded.dimension,
        ...(projection.explainedVariance === undefined
          ? {}
          : { explainedVariance: projection.explainedVariance }),
        files,
      };
      output.result(
        summary,
        `${method.toUpperCase()} of ${encoded.rows} embeddings (${encoded.dimension}-D)` +
          `${projection.explainedVariance === undefined ? '' : `, explained variance ${projection.explainedVariance.map((value) => `${(100 * value).toFixed(1)}%`).join(' + ')}`}` +
          `\nfiles: ${files.join(', ')}`,
      );
    });
}
