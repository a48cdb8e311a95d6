import { join } from 'node:path';
import type { CAC } from 'cac';
import { baselineParadigms } from '../downstream/paradigm-runners';
import type { CompareOptions, Paradigm } from '../downstream/run-compare';
import { createCommandOutput } from '../io/command-output';
import { parseBackend } from './common-flags';
import { parseIntegerList, parsePositiveInteger, UsageError } from './parse-flags';

const paradigmNames: readonly Paradigm[] = [
  'linear-probe',
  'full',
  'knn',
  'scratch',
  ...baselineParadigms,
];

/** The parsed `--paradigms`, and whether `all` asked for them (then inapplicable ones are dropped). */
function parseParadigms(value: unknown): { paradigms: Paradigm[]; all: boolean } {
  const items = String(value)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .flatMap((item): string[] => (item === 'all' ? [...paradigmNames] : [item]));
  for (const item of items) {
    if (!(paradigmNames as readonly string[]).includes(item)) {
      throw new UsageError(
        `--paradigms takes a comma-separated list of ${paradigmNames.join(', ')} (or all), got '${item}'.`,
      );
    }
  }
  if (items.length === 0) throw new UsageError('--paradigms takes at least one paradigm.');
  const all = String(value)
    .split(',')
    .some((item) => item.trim() === 'all');
  return { paradigms: [...new Set(items)] as Paradigm[], all };
}

/** `selfsup compare [...checkpoints]`: label efficiency of pretrained encoders vs scratch. */
export function registerCompareCommand(cli: CAC): void {
  cli
    .command(
      'compare [...checkpoints]',
      'Label efficiency: pretrained encoders vs the same architecture from scratch, over label budgets and seeds',
    )
    .option(
      '--paradigms <list>',
      `Any of ${paradigmNames.join(', ')}, or all: every one that fits the encoders' inputs (default linear-probe,scratch)`,
    )
    .option('--labels <list>', 'Label budgets, comma-separated (default 100,1000)')
    .option('--seeds <list>', 'Seeds, comma-separated, at least 3 (default 0,1,2)')
    .option('--data <id|path>', 'Labeled dataset (default: the one pretrained on)')
    .option('--pool-size <n>', 'Draw labels from the first N training examples (default 5000)')
    .option('--test-size <n>', 'Test on the first N test examples (default 1000)')
    .option('--epochs <n>', 'Finetuning epochs (default 10)')
    .option('--minimum-steps <n>', 'Every run trains at least N optimizer steps (default 200)')
    .option('--out <dir>', 'Where results.json/.csv and the chart go (default runs/compare)')
    .option('--force', 'Replace an existing --out directory')
    .option('--backend <name>', 'Force a backend: node-gpu, node, wasm, cpu')
    .option('--json', 'Print the results as one JSON document')
    .option('--quiet', 'No logs')
    .example(
      'selfsup compare runs/simclr runs/rotation --labels 100,1000 --paradigms linear-probe,full,scratch',
    )
    .action(async (checkpoints: string[], flags: Record<string, unknown>) => {
      const output = createCommandOutput(flags);
      if (checkpoints.length === 0) {
        throw new UsageError(
          'compare needs at least one checkpoint: `selfsup compare runs/simclr [runs/rotation …]`.',
        );
      }
      const { paradigms, all } = parseParadigms(flags.paradigms ?? 'linear-probe,scratch');
      const budgets = parseIntegerList(flags.labels ?? '100,1000', '--labels');
      const seeds = parseIntegerList(flags.seeds ?? '0,1,2', '--seeds');
      if (seeds.length < 3) {
        throw new UsageError(
          `--seeds needs at least 3 seeds (the protocol reports mean ± std), got ${seeds.length}.`,
        );
      }
      const poolSize = parsePositiveInteger(flags.poolSize ?? 5000, '--pool-size');
      const testSize = parsePositiveInteger(flags.testSize ?? 1000, '--test-size');
      const epochs = parsePositiveInteger(flags.epochs ?? 10, '--epochs');
      const minimumSteps = parsePositiveInteger(flags.minimumSteps ?? 200, '--minimum-steps', 0);
      const out = String(flags.out ?? join('runs', 'compare'));
      const backend = parseBackend(flags.backend);
      const options: CompareOptions = {
        checkpoints,
        paradigms,
        allParadigms: all,
        budgets,
        seeds,
        poolSize,
        testSize,
        epochs,
        minimumSteps,
        out,
        force: Boolean(flags.force),
        data: flags.data === undefined ? undefined : String(flags.data),
        backend,
      };
      const { runCompare } = await import('../downstream/run-compare');
      await runCompare(options, output);
    });
}
