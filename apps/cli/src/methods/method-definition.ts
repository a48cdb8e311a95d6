import type {
  BatchSourceV1,
  CollectiveGroup,
  EncoderFactory,
  EncoderV1,
  JsonValue,
  ObjectiveV1,
} from '@selfsup/core';
import type { z } from 'zod';
import type { CommandOutput } from '../io/command-output';
import type { PretrainRunSettings } from '../pretrain/pretrain-settings';
import type { PretrainRunResult } from '../pretrain/run-pretrain';

/** The training data a method prepared: a resumable source and the shape of one example. */
export type MethodData = {
  /** The batches `pretrain` draws (resumable, seeded). */
  readonly source: BatchSourceV1<unknown> & { readonly batchesPerEpoch?: number };
  /** One example's shape, e.g. `[28, 28, 1]`: the encoder's input shape. */
  readonly inputShape: readonly number[];
  /**
   * Encoder options the data fixes (e.g. a text method's `sequenceLength`, `vocabularySize` and
   * `paddingId` from its tokenizer); they win over the run's `encoderOptions`.
   */
  readonly encoderOptions?: Readonly<Record<string, unknown>>;
  /** What is recorded in checkpoints as the dataset. */
  readonly reference: JsonValue;
  /** What else the objective needs from the data (e.g. CLIP's tokenizer). */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** Writes what a later command needs to rebuild the objective (e.g. `tokenizer.json`) into the run directory. */
  readonly save?: (directory: string) => Promise<void>;
};

/**
 * How a method trains across `--workers N` data-parallel worker threads (core's
 * `pretrain({ workers })`: every worker computes the gradient of an equal shard of the batch and
 * the gradients are averaged).
 *
 * - `exact`: the loss is a mean of per-example terms with as many terms per example, and nothing
 *   couples the examples of a batch (no BatchNorm statistics, no in-batch negatives) nor is drawn
 *   per shard: N workers compute what one worker computes on the whole batch, up to float rounding.
 * - `in-distribution`: as `exact`, but something random is drawn per shard from the step seed
 *   (masks, binarization) or the loss is normalised per shard (mean over masked or non-padding
 *   tokens), so N workers train the same objective in distribution, not bit for bit.
 * - `refused`: the loss couples the examples of a batch (BatchNorm statistics over the batch,
 *   contrastive negatives from the batch); N workers would train another objective until the
 *   method is built with `SyncBatchNormalization`/`allGather`, so `--workers` > 1 is an error.
 */
export type DataParallelSupport =
  | {
      readonly kind: 'exact' | 'in-distribution';
      /** Why, in one sentence (for the README and `--workers` messages). */
      readonly note: string;
      /**
       * What `createObjective` needs from the data besides the encoder options and the example
       * shape, rebuilt in a worker thread from the run directory (e.g. BERT's tokenizer from
       * `tokenizer.json`); it becomes `MethodData.extra` there.
       */
      workerExtra?(runDirectory: string): Promise<Readonly<Record<string, unknown>>>;
      /**
       * With `--workers` > 1, the only encoders allowed: those whose batch statistics the workers
       * synchronise (their BatchNorm becomes `SyncBatchNormalization` there). @default every encoder
       */
      readonly encoders?: readonly string[];
    }
  | {
      readonly kind: 'refused';
      /** Why N workers would not compute what one worker computes, and what would fix it. */
      readonly reason: string;
    };

/**
 * One pretraining method of the CLI: everything `selfsup pretrain <name>` needs to know. Adding a
 * method is one file exporting such an object, plus one line in `method-registry.ts`.
 */
export type MethodDefinition = {
  /** The CLI name (`selfsup pretrain <name>`). */
  readonly name: string;
  /** The objective's `method`, as checkpoint manifests record it. */
  readonly objectiveMethod: string;
  /** The input modality of its encoder. */
  readonly modality: 'image' | 'text' | 'audio' | 'video' | 'image-text';
  /** One line for `--help` and error messages. */
  readonly description: string;
  /** The paper it implements. */
  readonly paper: string;
  /** The dataset used without `--data`. */
  readonly defaultData: string;
  /** The encoder type used without `--encoder`. */
  readonly defaultEncoder: string;
  /** Examples per step without `--batch-size`. */
  readonly defaultBatchSize: number;
  /** Peak learning rate without `--lr`. */
  readonly defaultLearningRate: number;
  /**
   * Options of the default encoder, under the run's `encoderOptions` (top-level keys of
   * `encoderOptions` win). Used only when the encoder is {@link MethodDefinition.defaultEncoder}.
   */
  readonly defaultEncoderOptions?: Readonly<Record<string, unknown>>;
  /** Gradient clipping by global norm the method trains with (core's `clipNorm`); none when absent. */
  readonly clipNorm?: number;
  /**
   * Whether `--workers N` (N > 1, data-parallel worker threads) may train the method, and how
   * close it is to one worker; absent: refused (not checked yet). See {@link DataParallelSupport}.
   */
  readonly dataParallel?: DataParallelSupport;
  /**
   * Registers the custom layers of the method's encoders (explicitly, never at import time) and
   * returns the factories of its encoder types outside core (e.g. `{ cpc: ... }`), so that
   * `pretrain` builds them and `finetune`/`evaluate`/`embed` reload their checkpoints.
   */
  encoderFactories?(): Promise<Readonly<Record<string, EncoderFactory>>>;
  /** Validates `methodOptions` of a config file (strict: unknown keys are errors). */
  readonly optionsSchema: z.ZodType<Record<string, unknown>>;
  /** Loads the data and builds the batch source (imports what it needs lazily). */
  prepareData(request: {
    readonly data: string;
    readonly limit: number | undefined;
    readonly batchSize: number;
    /** The validated `methodOptions` (some are data options, e.g. CPC's clip length). */
    readonly options?: Readonly<Record<string, unknown>>;
  }): Promise<MethodData>;
  /**
   * Trains the method with its own trainer instead of core's `pretrain`, for methods that are not
   * an `ObjectiveV1` (Word2Vec, GloVe): writes the run directory and returns the result as
   * `selfsup pretrain` prints it. When present, `prepareData` and `createObjective` are not used.
   */
  train?(
    settings: PretrainRunSettings,
    options: { readonly resume: boolean; readonly force: boolean; readonly output: CommandOutput },
  ): Promise<PretrainRunResult>;
  /** Builds the objective around an encoder (imports its package lazily). */
  createObjective(request: {
    readonly encoder: EncoderV1;
    readonly data: MethodData;
    readonly seed: number;
    readonly options: Readonly<Record<string, unknown>>;
    /** In a data-parallel worker (`--workers` > 1), its group: for batch-coupled losses. */
    readonly group?: CollectiveGroup;
  }): Promise<ObjectiveV1<unknown>>;
};
