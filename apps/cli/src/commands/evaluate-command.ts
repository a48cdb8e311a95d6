import type { CAC } from 'cac';
import { createCommandOutput } from '../io/command-output';
import { checkOutputFile } from '../io/output-directory';
import { parseDownstreamFlags } from './downstream-flags';

/** `selfsup evaluate <checkpoint>`: how good are the pretrained features, without finetuning. */
export function registerEvaluateCommand(cli: CAC): void {
  cli
    .command(
      'evaluate <checkpoint>',
      'Evaluate a pretrained encoder’s features: kNN (default) or a linear probe on the labeled pool, full test report; gpt: perplexity, pixelcnn/wavenet: NLL, mae: reconstructions',
    )
    .option('--mode <mode>', 'knn (default, no training), linear-probe or full')
    .option('--labels <n>', 'Labels used, or "all" of the pool (default all)')
    .option('--data <id|path>', 'Labeled dataset (default: the one pretrained on)')
    .option('--pool-size <n>', 'Use the first N training examples as the labeled pool')
    .option('--test-size <n>', 'Test on the first N test examples')
    .option('--epochs <n>', 'Epochs of a linear probe (default 20)')
    .option('--seed <n>', 'Seed (default 0)')
    .option(
      '--reconstructions <png>',
      'MAE runs: write test reconstructions as a PNG grid (instead of kNN)',
    )
    .option('--mask-ratio <r>', 'MAE reconstructions: fraction of patches hidden (default 0.75)')
    .option('--out <file>', 'Also write the report as JSON here')
    .option('--force', 'Replace an existing --out file')
    .option('--backend <name>', 'Force a backend: node-gpu, node, wasm, cpu')
    .option('--json', 'Print the report as one JSON document')
    .option('--quiet', 'No logs')
    .example('selfsup evaluate runs/simclr --pool-size 5000 --test-size 1000')
    .example('selfsup evaluate runs/gpt --test-size 20000')
    .example('selfsup evaluate runs/mae --reconstructions mae.png')
    .action(async (checkpoint: string, flags: Record<string, unknown>) => {
      const output = createCommandOutput(flags);
      if (flags.out !== undefined) checkOutputFile(String(flags.out), Boolean(flags.force));
      // Generative runs are scored by likelihood (gpt, pixelcnn) or reconstructions (mae).
      const { evaluateGenerative, formatGenerativeEvaluation } = await import(
        './evaluate-generative'
      );
      const generative = await evaluateGenerative(checkpoint, flags, output);
      if (generative !== undefined) {
        if (flags.out !== undefined) {
          const { writeJsonAtomically } = await import('../io/atomic-write');
          await writeJsonAtomically(String(flags.out), generative);
        }
        output.result(generative, formatGenerativeEvaluation(generative));
        return;
      }
      const options = parseDownstreamFlags(checkpoint, flags, { mode: 'knn', labels: 'all' });
      if (flags.out !== undefined) checkOutputFile(String(flags.out), Boolean(flags.force));
      const { runDownstream } = await import('../downstream/run-downstream');
      const { formatEvaluation } = await import('../downstream/format-downstream');
      const result = await runDownstream(options, output);
      if (flags.out !== undefined) {
        const { writeJsonAtomically } = await import('../io/atomic-write');
        await writeJsonAtomically(String(flags.out), result);
      }
      output.result(result, formatEvaluation(result));
    });
}
