import type { CAC } from 'cac';
import { createCommandOutput } from '../io/command-output';
import { parseBackend } from './common-flags';
import { parsePositiveInteger, UsageError } from './parse-flags';

/** `selfsup zero-shot <clip-checkpoint>`: classify images by class names and prompt templates. */
export function registerZeroShotCommand(cli: CAC): void {
  cli
    .command(
      'zero-shot <checkpoint>',
      'Zero-shot classification with a CLIP run: class names and prompt templates → accuracy and predicted labels',
    )
    .option(
      '--classes <list>',
      'Class names, comma-separated, in label order (default: the dataset’s prompts)',
    )
    .option('--templates <list>', 'Prompt templates with {} for the class name, separated by |')
    .option('--limit <n>', 'Test images (default 500)')
    .option('--predictions', 'Also print the predicted class of every image')
    .option('--backend <name>', 'Force a backend: node-gpu, node, wasm, cpu')
    .option('--json', 'Print as one JSON document')
    .option('--quiet', 'No logs')
    .example('selfsup zero-shot runs/clip --templates "a photo of the digit {}.|a scan of a {}"')
    .action(async (checkpoint: string, flags: Record<string, unknown>) => {
      const output = createCommandOutput(flags);
      const classes =
        flags.classes === undefined
          ? undefined
          : String(flags.classes)
              .split(',')
              .map((name) => name.trim())
              .filter((name) => name !== '');
      const templates =
        flags.templates === undefined
          ? undefined
          : String(flags.templates)
              .split('|')
              .map((template) => template.trim())
              .filter((template) => template !== '');
      if (templates?.some((template) => !template.includes('{}'))) {
        throw new UsageError(
          '--templates: every template needs {} where the class name goes, e.g. "a photo of a {}."',
        );
      }
      const { runZeroShot } = await import('../downstream/run-zero-shot');
      const result = await runZeroShot(
        {
          checkpoint,
          classes,
          templates,
          limit: parsePositiveInteger(flags.limit ?? 500, '--limit'),
          predictions: Boolean(flags.predictions),
          backend: parseBackend(flags.backend),
        },
        output,
      );
      output.result(
        result,
        `zero-shot accuracy ${(100 * result.accuracy).toFixed(1)}% on ${result.count} ${result.data} test images, ${result.classes.length} classes` +
          (result.predictions === undefined
            ? ''
            : `\npredictions: ${result.predictions.join(', ')}`),
      );
    });
}
