import { extname } from 'node:path';
import type { CAC } from 'cac';
import type { EmbeddingsFileFormat } from '../embeddings/embeddings-io';
import { createCommandOutput } from '../io/command-output';
import { checkOutputFile } from '../io/output-directory';
import { parseBackend, parseChoice } from './common-flags';
import { parsePositiveInteger, UsageError } from './parse-flags';

const formats: readonly EmbeddingsFileFormat[] = ['json', 'csv', 'npy'];

/** `selfsup embed <checkpoint>`: write the embeddings of a split as JSON, CSV or .npy. */
export function registerEmbedCommand(cli: CAC): void {
  cli
    .command(
      'embed <checkpoint>',
      'Encode a dataset split and write the embeddings (JSON, CSV or .npy)',
    )
    .option('--out <file>', 'Output file: .json, .csv or .npy (labels go to <name>.labels.npy)')
    .option('--format <format>', 'json, csv or npy (default: from --out’s extension)')
    .option('--data <id|path>', 'Dataset (default: the one pretrained on)')
    .option('--split <split>', 'train or test (default test)')
    .option('--limit <n>', 'Only the first N examples')
    .option('--force', 'Replace an existing --out file')
    .option('--backend <name>', 'Force a backend: node-gpu, node, wasm, cpu')
    .option('--json', 'Print a summary as one JSON document')
    .option('--quiet', 'No logs')
    .example('selfsup embed runs/simclr --limit 1000 --out test-embeddings.npy')
    .action(async (checkpoint: string, flags: Record<string, unknown>) => {
      const output = createCommandOutput(flags);
      if (flags.out === undefined) {
        throw new UsageError('embed needs --out <file> (.json, .csv or .npy).');
      }
      const out = String(flags.out);
      const format =
        flags.format === undefined
          ? parseChoice(
              extname(out).slice(1).toLowerCase(),
              '--out’s extension (or --format)',
              formats,
            )
          : parseChoice(flags.format, '--format', formats);
      checkOutputFile(out, Boolean(flags.force));
      const { encodeSplit } = await import('../embeddings/encode-split');
      const { writeEmbeddings } = await import('../embeddings/embeddings-io');
      const encoded = await encodeSplit(
        {
          checkpoint,
          data: flags.data === undefined ? undefined : String(flags.data),
          split: parseChoice(flags.split ?? 'test', '--split', ['train', 'test'] as const),
          limit:
            flags.limit === undefined ? undefined : parsePositiveInteger(flags.limit, '--limit'),
          backend: parseBackend(flags.backend),
        },
        output,
      );
      const files = await writeEmbeddings(
        out,
        encoded.embeddings,
        encoded.dimension,
        encoded.labels,
        format,
      );
      const summary = {
        checkpoint: encoded.checkpoint,
        method: encoded.method,
        data: encoded.data,
        split: encoded.split,
        format,
        rows: encoded.rows,
        dimension: encoded.dimension,
        files,
      };
      output.result(
        summary,
        `wrote ${encoded.rows} × ${encoded.dimension} embeddings: ${files.join(', ')}`,
      );
    });
}
