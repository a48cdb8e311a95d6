import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CAC } from 'cac';
import { createCommandOutput } from '../io/command-output';
import { withConfigFile } from './command-config';
import { parseBackend } from './common-flags';
import { parsePositiveInteger, UsageError } from './parse-flags';

/** `selfsup fill-mask <checkpoint> "text with [MASK]"`: BERT's guesses for each [MASK]. */
export function registerFillMaskCommand(cli: CAC): void {
  cli
    .command(
      'fill-mask <checkpoint> <text>',
      'The most probable tokens for each [MASK] of a text, from a `selfsup pretrain bert` run',
    )
    .option('--top-k <n>', 'Candidates per [MASK] (default 5)')
    .option('--backend <name>', 'Force a backend: node-gpu, node, wasm, cpu')
    .option('--config <file>', 'YAML or JSON with these settings in camelCase (topK: 3); flags win')
    .option('--json', 'Print as one JSON document')
    .option('--quiet', 'No logs')
    .example('selfsup fill-mask runs/bert "the [MASK] of the union is strong."')
    .action(async (checkpoint: string, text: string, given: Record<string, unknown>) => {
      const output = createCommandOutput(given);
      const flags = withConfigFile(given, ['topK', 'backend']);
      const topK = parsePositiveInteger(flags.topK ?? 5, '--top-k');
      const backend = parseBackend(flags.backend);
      const query = String(text);
      if (!query.includes('[MASK]')) {
        throw new UsageError(
          `fill-mask: the text has no [MASK]: write [MASK] where a word should be guessed, e.g. "the [MASK] of the union".`,
        );
      }
      const { openMethodRun } = await import('../methods/open-method-run');
      const run = await openMethodRun(checkpoint, { 'bert-mlm': 'bert' }, 'fill-mask');
      const { TEXT_TOKENIZER_FILE } = await import('../methods/text-method-data');
      const tokenizerPath = join(run.runDirectory, TEXT_TOKENIZER_FILE);
      if (!existsSync(tokenizerPath)) {
        throw new UsageError(
          `${checkpoint}: no ${TEXT_TOKENIZER_FILE} in ${run.runDirectory}; fill-mask needs the run directory written by \`selfsup pretrain bert\` (give it, not a copied step folder).`,
        );
      }
      const { initBackend } = await import('@selfsup/core');
      await initBackend({
        ...(backend === undefined ? {} : { backend }),
        onReport: (message) => output.log(message),
      });
      const { loadTokenizer } = await import('@selfsup/data');
      const { fillMask, loadBert } = await import('@selfsup/masked-prediction');
      const tokenizer = loadTokenizer(tokenizerPath);
      const bert = await loadBert(run.directory);
      try {
        const masks = fillMask(bert, tokenizer, query, { topK });
        output.result(
          { checkpoint: run.directory, text: query, masks },
          masks
            .map(
              (candidates, index) =>
                `[MASK] ${index + 1}: ${candidates
                  .map((candidate) => `${candidate.token} (${candidate.probability.toFixed(3)})`)
                  .join(', ')}`,
            )
            .join('\n'),
        );
      } finally {
        bert.dispose();
      }
    });
}
