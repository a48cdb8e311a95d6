import { join } from 'node:path';
import {
  type BackendInfo,
  createPretrainedRunner,
  createScratchRunner,
  type FinetuneMode,
  initBackend,
  type LabelEfficiencyResult,
  type LabelEfficiencyRunner,
  labelEfficiency,
} from '@selfsup/core';
import { writeChartFiles } from '../charts/write-charts';
import { UsageError } from '../commands/parse-flags';
import { writeFileAtomically, writeJsonAtomically } from '../io/atomic-write';
import type { CommandOutput } from '../io/command-output';
import { prepareOutputDirectory } from '../io/output-directory';
import { type ComparedEncoder, openComparedEncoder } from './compared-encoder';
import { loadLabeledSplits } from './labeled-splits';
import {
  applicableParadigms,
  type BaselineParadigm,
  baselineParadigms,
  baselineRunner,
} from './paradigm-runners';

/**
 * What `selfsup compare` runs: finetune modes of pretrained encoders, `scratch`, and the baselines
 * of the other paradigms ({@link baselineParadigms}).
 */
export type Paradigm = FinetuneMode | 'scratch' | BaselineParadigm;

/** Options of {@link runCompare} (the parsed flags of `selfsup compare`). */
export type CompareOptions = {
  readonly checkpoints: readonly string[];
  readonly paradigms: readonly Paradigm[];
  /** `--paradigms all`: leave out the image-only baselines for other inputs instead of refusing. */
  readonly allParadigms?: boolean;
  readonly budgets: readonly number[];
  readonly seeds: readonly number[];
  readonly poolSize: number;
  readonly testSize: number;
  readonly epochs: number;
  readonly minimumSteps: number;
  readonly out: string;
  readonly force: boolean;
  readonly data: string | undefined;
  readonly backend: BackendInfo['backend'] | undefined;
};

/**
 * The rows of a label-efficiency study as CSV (one line per run).
 *
 * @param result the study.
 * @returns the CSV text with a header.
 * @example rowsToCsv(result).split('\n')[0]; // 'runner,mode,budget,labelCount,seed,accuracy,macroF1,epochsTrained'
 */
export function rowsToCsv(result: LabelEfficiencyResult): string {
  const header = 'runner,mode,budget,labelCount,seed,accuracy,macroF1,epochsTrained';
  const lines = result.rows.map((row) =>
    [
      row.runner,
      row.mode,
      row.budget,
      row.labelCount,
      row.seed,
      row.accuracy,
      row.metrics.macroF1 ?? '',
      row.epochsTrained ?? '',
    ].join(','),
  );
  return `${[header, ...lines].join('\n')}\n`;
}

/**
 * Label efficiency as `selfsup compare` runs it: core's `labelEfficiency` protocol with a
 * pretrained runner per checkpoint (the finetune modes among `paradigms`) and, with `scratch`, the
 * first checkpoint's architecture from random initialisation; writes `results.json`,
 * `results.csv` and the label-efficiency chart (SVG, PNG) to `out`.
 *
 * @param options the parsed flags.
 * @param output where logs and the result go.
 * @returns nothing; the result is printed.
 * @example await runCompare({ checkpoints: ['runs/simclr'], paradigms: ['linear-probe', 'scratch'], ... }, output);
 */
export async function runCompare(options: CompareOptions, output: CommandOutput): Promise<void> {
  const { checkpoints, budgets, seeds, poolSize, testSize, epochs, minimumSteps, out, backend } =
    options;
  await prepareOutputDirectory(out, options.force);
  await initBackend({
    ...(backend === undefined ? {} : { backend }),
    onReport: (message) => output.log(message),
  });
  const opened: ComparedEncoder[] = [];
  for (const path of checkpoints) opened.push(await openComparedEncoder(path));
  const first = opened[0]!;
  const text = first.text;
  const data =
    options.data ?? (text === undefined ? first.dataset : undefined) ?? defaultDataOf(first);
  for (const other of opened.slice(1)) {
    if (other.encoder.inputSpec.modality !== first.encoder.inputSpec.modality) {
      throw new UsageError(
        `${other.directory} takes '${other.encoder.inputSpec.modality}' inputs but ${first.directory} takes '${first.encoder.inputSpec.modality}': compare encoders of one modality at a time.`,
      );
    }
    if (text !== undefined && other.text?.description !== text.description) {
      throw new UsageError(
        `${other.directory} reads text with another tokenizer than ${first.directory}: compare text checkpoints one run at a time (each with its own tokenizer).`,
      );
    }
  }
  const splits = await loadLabeledSplits(
    data,
    first.encoder,
    { poolSize, testSize },
    first.datasetRecord,
    text,
  );
  const modality = first.encoder.inputSpec.modality;
  for (const checkpoint of opened) checkpoint.encoder.dispose();
  let paradigms = options.paradigms;
  if (options.allParadigms === true) {
    const { kept, left } = applicableParadigms(paradigms, modality);
    paradigms = kept;
    if (left.length > 0) {
      output.log(
        `--paradigms all: ${left.join(' and ')} left out (they augment images; these encoders take '${modality}' inputs).`,
      );
    }
  }
  const isBaseline = (paradigm: Paradigm): paradigm is BaselineParadigm =>
    (baselineParadigms as readonly string[]).includes(paradigm);
  const modes = paradigms.filter(
    (paradigm) => paradigm !== 'scratch' && !isBaseline(paradigm),
  ) as FinetuneMode[];
  const runners: LabelEfficiencyRunner[] = [];
  const names = opened.map((checkpoint) => checkpoint.method);
  if (modes.length > 0) {
    opened.forEach((checkpoint, index) => {
      const name =
        names.filter((other) => other === names[index]).length > 1
          ? `${names[index]}-${index + 1}`
          : (names[index] ?? 'pretrained');
      runners.push(createPretrainedRunner(() => checkpoint.load(), { name, modes }));
    });
  }
  const createScratchEncoder = (seed: number) => first.createScratch(seed);
  if (paradigms.includes('scratch')) runners.push(createScratchRunner(createScratchEncoder));
  const disposables: { dispose(): void }[] = [];
  for (const paradigm of paradigms.filter(isBaseline)) {
    const runner = baselineRunner(paradigm, {
      createEncoder: createScratchEncoder,
      modality,
      ...(text === undefined ? {} : { text }),
    });
    runners.push(runner);
    if ('dispose' in runner) disposables.push(runner as { dispose(): void });
  }
  if (runners.length === 0) throw new UsageError('--paradigms selected no runner.');
  output.log(
    `label efficiency on ${data}${text === undefined ? '' : ` (${text.description})`}: ${runners.map((runner) => `${runner.name} (${runner.modes.join(', ')})`).join(' vs ')}; ` +
      `budgets ${budgets.join(', ')}; seeds ${seeds.join(', ')}; pool ${splits.pool.labels.length}, test ${splits.test.labels.length}`,
  );
  let result: LabelEfficiencyResult;
  try {
    result = await labelEfficiency({
      train: splits.pool,
      test: splits.test,
      numClasses: splits.numClasses,
      budgets: [...budgets],
      seeds: [...seeds],
      runners,
      minimumSteps,
      recipe: { epochs, batchSize: 32 },
      onProgress: ({ completed, total, row, seconds }) =>
        output.log(
          `  [${completed}/${total}] ${row.runner} ${row.mode}, ${row.labelCount} labels, seed ${row.seed}: accuracy ${(100 * row.accuracy).toFixed(1)}% (${seconds.toFixed(1)} s)`,
        ),
    });
  } catch (error) {
    if (/budget/i.test((error as Error).message)) {
      throw new UsageError(`--labels: ${(error as Error).message}`);
    }
    throw error;
  } finally {
    splits.dispose();
    for (const item of disposables) item.dispose();
  }
  const files = [join(out, 'results.json'), join(out, 'results.csv')];
  const document = {
    data,
    checkpoints: opened.map((checkpoint) => checkpoint.directory),
    ...(text === undefined ? {} : { textInputs: text.description }),
    ...result,
  };
  await writeJsonAtomically(files[0]!, document);
  await writeFileAtomically(files[1]!, rowsToCsv(result));
  const chart = await writeChartFiles(
    out,
    'label-efficiency',
    'labelEfficiencyChart',
    result.summary,
    { title: `Label efficiency on ${data}` },
  );
  if ('files' in chart) files.push(...chart.files);
  else output.log(`note: ${chart.skipped}`);
  const table = result.summary
    .filter((entry) => entry.metric === 'accuracy')
    .map(
      (entry) =>
        `${`${entry.runner} ${entry.mode}`.padEnd(28)} ${String(entry.labelCount).padStart(6)} labels  ${(100 * entry.mean).toFixed(1)} ± ${(100 * entry.std).toFixed(1)}%  (n=${entry.n})`,
    );
  output.result({ ...document, files }, [...table, `files: ${files.join(', ')}`].join('\n'));
}

/** The labeled dataset a study defaults to: the one pretrained on, MNIST for images, SpamAssassin for text. */
function defaultDataOf(encoder: ComparedEncoder): string {
  return encoder.text === undefined ? 'mnist' : 'spam-assassin';
}
