import type { CAC } from 'cac';
import { formatSummaryTable } from '../quickstart/format-summary-table';
import { quickstartDefaults, runQuickstart } from '../quickstart/run-quickstart';
import { parseIntegerList, parsePositiveInteger, parsePositiveNumber } from './parse-flags';

/** `selfsup quickstart`: pretrain on unlabeled MNIST, then pretrained vs scratch at a few label budgets. */
export function registerQuickstartCommand(cli: CAC): void {
  cli
    .command(
      'quickstart',
      'Pretrain SimCLR on unlabeled MNIST, then compare with training from scratch at 10, 100 and 1,000 labels',
    )
    .option('--steps <n>', 'Pretraining steps', { default: quickstartDefaults.steps })
    .option('--batch-size <n>', 'Unlabeled images per pretraining step', {
      default: quickstartDefaults.batchSize,
    })
    .option('--lr <rate>', 'Pretraining learning rate', {
      default: quickstartDefaults.learningRate,
    })
    .option('--temperature <t>', 'NT-Xent temperature', {
      default: quickstartDefaults.temperature,
    })
    .option(
      '--workers <n>',
      'Worker threads for pretraining (data-parallel) and finetuning runs (1: main thread)',
      {
        default: quickstartDefaults.workers,
      },
    )
    .option('--labels <list>', 'Label budgets, comma-separated', {
      default: quickstartDefaults.budgets.join(','),
    })
    .option('--seeds <list>', 'Seeds, comma-separated (at least 3)', {
      default: quickstartDefaults.seeds.join(','),
    })
    .option('--epochs <n>', 'Finetuning epochs', { default: quickstartDefaults.epochs })
    .option('--pool-size <n>', 'Labeled pool the budgets are drawn from', {
      default: quickstartDefaults.poolSize,
    })
    .option('--test-size <n>', 'MNIST test images evaluated', {
      default: quickstartDefaults.testSize,
    })
    .option('--seed <n>', 'Run seed', { default: quickstartDefaults.seed })
    .option('--out <dir>', 'Where the checkpoint and results.json go', {
      default: 'runs/quickstart',
    })
    .option('--force', 'Replace an existing, non-empty output directory')
    .option('--backend <name>', 'Force a backend (node-gpu, node, wasm, cpu)')
    .option('--json', 'Print the results as JSON only')
    .action(async (flags: Record<string, unknown>) => {
      const json = Boolean(flags.json);
      const log = json ? undefined : (line: string) => process.stderr.write(`${line}\n`);
      const result = await runQuickstart(
        {
          steps: parsePositiveInteger(flags.steps, '--steps'),
          batchSize: parsePositiveInteger(flags.batchSize, '--batch-size'),
          learningRate: parsePositiveNumber(flags.lr, '--lr'),
          temperature: parsePositiveNumber(flags.temperature, '--temperature'),
          workers: parsePositiveInteger(flags.workers, '--workers'),
          budgets: parseIntegerList(flags.labels, '--labels'),
          seeds: parseIntegerList(flags.seeds, '--seeds'),
          epochs: parsePositiveInteger(flags.epochs, '--epochs'),
          poolSize: parsePositiveInteger(flags.poolSize, '--pool-size'),
          testSize: parsePositiveInteger(flags.testSize, '--test-size'),
          seed: parsePositiveInteger(flags.seed, '--seed', 0),
          out: String(flags.out),
          force: Boolean(flags.force),
          ...(flags.backend ? { backend: String(flags.backend) as 'wasm' } : {}),
        },
        log,
      );
      if (json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `\nTest accuracy (%) on MNIST, mean ± std over ${result.rows.length / result.summary.filter((entry) => entry.metric === 'accuracy').length} seeds:\n` +
          `${formatSummaryTable(result.summary)}\n\n` +
          `pretraining: ${result.pretraining.steps} steps in ${result.pretraining.seconds.toFixed(0)} s, contrastive accuracy ${(100 * result.pretraining.finalContrastiveAccuracy).toFixed(1)}%; total ${result.seconds.toFixed(0)} s on ${result.backend.backend}\n` +
          `results: ${String(flags.out)}/results.json\ncharts: ${result.charts.filter((path) => path.endsWith('.svg')).join(', ')} (and .png)\n`,
      );
    });
}
