import type { CAC } from 'cac';
import { createCommandOutput } from '../io/command-output';
import { checkOutputFile } from '../io/output-directory';
import { parseDownstreamFlags } from './downstream-flags';

/** `selfsup finetune <checkpoint>`: adapt a pretrained encoder to a few labels and test it. */
export function registerFinetuneCommand(cli: CAC): void {
  cli
    .command('finetune <checkpoint>', 'Finetune a pretrained encoder on a few labels, then test it')
    .option('--mode <mode>', 'linear-probe (frozen encoder), full, or knn (default linear-probe)')
    .option('--labels <n>', 'Labels drawn per run, stratified over classes, or "all" (default 100)')
    .option('--data <id|path>', 'Labeled dataset (default: the one pretrained on)')
    .option('--pool-size <n>', 'Draw labels from the first N training examples')
    .option('--test-size <n>', 'Test on the first N test examples')
    .option('--epochs <n>', 'Finetuning epochs (default 20)')
    .option('--seed <n>', 'Seed of the label draw and the head (default 0)')
    .option('--out <file>', 'Also write the result as JSON here')
    .option('--force', 'Replace an existing --out file')
    .option('--backend <name>', 'Force a backend: node-gpu, node, wasm, cpu')
    .option('--json', 'Print the result as one JSON document')
    .option('--quiet', 'No logs')
    .example('selfsup finetune runs/simclr --mode linear-probe --labels 100')
    .action(async (checkpoint: string, flags: Record<string, unknown>) => {
      const output = createCommandOutput(flags);
      const options = parseDownstreamFlags(checkpoint, flags, {
        mode: 'linear-probe',
        labels: 100,
      });
      if (flags.out !== undefined) checkOutputFile(String(flags.out), Boolean(flags.force));
      const { runDownstream } = await import('../downstream/run-downstream');
      const { summaryLine } = await import('../downstream/format-downstream');
      const result = await runDownstream(options, output);
      if (flags.out !== undefined) {
        const { writeJsonAtomically } = await import('../io/atomic-write');
        await writeJsonAtomically(String(flags.out), result);
      }
      output.result(result, summaryLine(result));
    });
}
