import type { CAC } from 'cac';
import { createCommandOutput } from '../io/command-output';
import { withConfigFile } from './command-config';
import { parsePositiveInteger, UsageError } from './parse-flags';

/** `selfsup similar <run> <word>`: the nearest words of a word-vector run. */
export function registerSimilarCommand(cli: CAC): void {
  cli
    .command(
      'similar <run> <word>',
      'Nearest words by cosine similarity, from a `selfsup pretrain word2vec|glove` run',
    )
    .option('--top-k <n>', 'How many neighbours (default 10)')
    .option('--config <file>', 'YAML or JSON with these settings in camelCase (topK: 3); flags win')
    .option('--json', 'Print as one JSON document')
    .option('--quiet', 'No logs')
    .example('selfsup similar runs/word2vec navy --top-k 5')
    .action(async (run: string, word: string, given: Record<string, unknown>) => {
      const output = createCommandOutput(given);
      const flags = withConfigFile(given, ['topK']);
      const topK = parsePositiveInteger(flags.topK ?? 10, '--top-k');
      const { loadWordVectorsRun } = await import('../methods/word-vectors-method');
      const { manifest, vectors } = await loadWordVectorsRun(run);
      const query = String(word).toLowerCase();
      if (!vectors.has(query)) {
        throw new UsageError(
          `'${query}' is not in the ${vectors.size} words of ${run} (${manifest.method} on ${manifest.data}; rare words below minCount are left out): try another word.`,
        );
      }
      const neighbours = vectors.nearest(query, topK);
      output.result(
        { run, method: manifest.method, word: query, neighbours },
        neighbours
          .map((neighbour) => `${neighbour.word}\t${neighbour.similarity.toFixed(4)}`)
          .join('\n'),
      );
    });
}
