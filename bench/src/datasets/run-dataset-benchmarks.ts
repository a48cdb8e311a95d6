import * as tf from '@tensorflow/tfjs';
import { median } from '../measure/median';
import {
  type DatasetBenchmark,
  type DatasetId,
  datasetBenchmarks,
  datasetIds,
} from './dataset-benchmarks';

/** The figures of one dataset: its cold load and its batch iterator's throughput. */
export type DatasetResult = {
  readonly dataset: DatasetId;
  readonly description: string;
  /** What one example is ('images', 'clips', 'windows', 'sequences', 'pairs'). */
  readonly unit: string;
  readonly batchSize: number;
  /** Milliseconds of the first load in this process (loader + batch-source setup). */
  readonly loadMs?: number;
  /** Cache use or preparation done by the load, e.g. Fashion-MNIST's compact cache. */
  readonly loadNote?: string;
  /** Milliseconds of the first batch (includes any lazy load, e.g. MNIST for Moving MNIST). */
  readonly firstBatchMs?: number;
  /** Every timed batch (after the first and the warm-up): next() + tensor creation + dispose. */
  readonly batchTimesMs: readonly number[];
  /** Median milliseconds per timed batch. */
  readonly msPerBatch?: number;
  readonly batchesPerSecond?: number;
  readonly examplesPerSecond?: number;
  /** Why the dataset could not be loaded or iterated. */
  readonly error?: string;
};

/** Memory that loading MNIST (train + test) added to the process. */
export type MnistMemory = {
  /** Growth of the resident set size, bytes. */
  readonly rssAddedBytes: number;
  /** Growth of the memory held by ArrayBuffers, bytes. */
  readonly arrayBuffersAddedBytes: number;
  /** Bytes of the loaded pixels and labels themselves (70,000 × 785). */
  readonly datasetBytes: number;
};

/** What `pnpm bench --workloads datasets` adds to the report. */
export type DatasetBenchReport = {
  /** The tfjs backend the batch tensors were created on. */
  readonly backend: string;
  /** Timed batches per dataset (after the first and the warm-up). */
  readonly batches: number;
  /** Untimed batches between the first and the timed ones (the JIT compiles the copy loops). */
  readonly warmupBatches: number;
  readonly results: readonly DatasetResult[];
  /** RSS added by loading MNIST, when MNIST was benchmarked first in the process. */
  readonly mnistMemory?: MnistMemory;
};

/** Options of {@link runDatasetBenchmarks}. */
export type DatasetBenchOptions = {
  /** Datasets to run, in order. @default datasetIds (all ten) */
  readonly datasets?: readonly DatasetId[];
  /** Timed batches per dataset, after the first batch and the warm-up. @default 10 */
  readonly batches?: number;
  /** Untimed batches after the first. @default 2 */
  readonly warmupBatches?: number;
  /** Override every dataset's batch size (tests use a tiny one). @default each dataset's typical size */
  readonly batchSize?: number;
  /** Seed of the batch iterators. @default 0 */
  readonly seed?: number;
};

function message(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** Loads one dataset and times its iterator; never throws (failures become `error`). */
function benchDataset(
  benchmark: DatasetBenchmark,
  batchSize: number,
  batches: number,
  warmupBatches: number,
  seed: number,
  onLoaded?: () => void,
): DatasetResult {
  const base = {
    dataset: benchmark.id,
    description: benchmark.description,
    unit: benchmark.unit,
    batchSize,
  };
  const batchTimesMs: number[] = [];
  let loadMs: number | undefined;
  let loadNote: string | undefined;
  let firstBatchMs: number | undefined;
  try {
    let start = performance.now();
    const loaded = benchmark.load(batchSize);
    loadMs = performance.now() - start;
    loadNote = loaded.note;
    onLoaded?.();
    // Every dataset here yields synchronously (a generator).
    const iterator = loaded.source.batches({ position: 0, seed }) as Iterator<unknown>;
    const nextBatch = (): void => {
      const next = iterator.next();
      if (next instanceof Promise)
        throw new Error(`${benchmark.id}: async batch sources are not timed.`);
      if (next.done) throw new Error(`${benchmark.id}: the batch source ended early.`);
      tf.dispose(next.value as tf.TensorContainer);
    };
    start = performance.now();
    nextBatch();
    firstBatchMs = performance.now() - start;
    for (let batch = 0; batch < warmupBatches; batch++) nextBatch();
    for (let batch = 0; batch < batches; batch++) {
      start = performance.now();
      nextBatch();
      batchTimesMs.push(performance.now() - start);
    }
    iterator.return?.();
    const msPerBatch = median(batchTimesMs);
    return {
      ...base,
      loadMs,
      ...(loadNote === undefined ? {} : { loadNote }),
      firstBatchMs,
      batchTimesMs: batchTimesMs.map((time) => Math.round(time * 100) / 100),
      msPerBatch,
      batchesPerSecond: 1000 / msPerBatch,
      examplesPerSecond: (1000 * batchSize) / msPerBatch,
    };
  } catch (error) {
    return {
      ...base,
      ...(loadMs === undefined ? {} : { loadMs }),
      ...(loadNote === undefined ? {} : { loadNote }),
      ...(firstBatchMs === undefined ? {} : { firstBatchMs }),
      batchTimesMs,
      error: message(error),
    };
  }
}

/**
 * Times each dataset's cold load (the first in this process) and its batch iterator (median
 * milliseconds per batch over `batches` batches after the first batch and `warmupBatches`
 * untimed ones, each batch's tensors created
 * and disposed: data work only, no training), on the current tfjs backend; and the RSS that
 * loading MNIST adds.
 *
 * @param options datasets, timed batches (10), warm-up batches (2), batch size override, seed (0).
 * @param log where progress lines go.
 * @returns the figures (a failed dataset has `error` and no throughput).
 * @example const report = runDatasetBenchmarks({ datasets: ['mnist', 'shapes'], batches: 5 }, console.error);
 */
export function runDatasetBenchmarks(
  options: DatasetBenchOptions,
  log: (line: string) => void,
): DatasetBenchReport {
  const { datasets = datasetIds, batches = 10, warmupBatches = 2, seed = 0 } = options;
  if (!(Number.isInteger(batches) && batches >= 1)) {
    throw new RangeError(`batches must be an integer ≥ 1, got ${batches}.`);
  }
  const results: DatasetResult[] = [];
  let mnistMemory: MnistMemory | undefined;
  for (const id of datasets) {
    const benchmark = datasetBenchmarks[id];
    const batchSize = options.batchSize ?? benchmark.batchSize;
    const before = process.memoryUsage();
    const result = benchDataset(
      benchmark,
      batchSize,
      batches,
      warmupBatches,
      seed,
      id === 'mnist'
        ? () => {
            const after = process.memoryUsage();
            mnistMemory = {
              rssAddedBytes: after.rss - before.rss,
              arrayBuffersAddedBytes: after.arrayBuffers - before.arrayBuffers,
              datasetBytes: 70_000 * (28 * 28 + 1),
            };
          }
        : undefined,
    );
    results.push(result);
    log(
      result.error === undefined
        ? `[datasets] ${id}: load ${result.loadMs!.toFixed(0)} ms${result.loadNote === undefined ? '' : ` (${result.loadNote})`}, first batch ${result.firstBatchMs!.toFixed(0)} ms, ${result.msPerBatch!.toFixed(1)} ms/batch of ${batchSize} ${result.unit} = ${result.batchesPerSecond!.toFixed(1)} batches/s, ${Math.round(result.examplesPerSecond!).toLocaleString('en-US')} ${result.unit}/s`
        : `[datasets] ${id} failed: ${result.error}`,
    );
  }
  return {
    backend: tf.getBackend(),
    batches,
    warmupBatches,
    results,
    ...(mnistMemory === undefined ? {} : { mnistMemory }),
  };
}
