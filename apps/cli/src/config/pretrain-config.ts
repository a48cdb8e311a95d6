import { z } from 'zod';

const json = z.record(z.string(), z.unknown());

/**
 * The settings of `selfsup pretrain`, as a config file holds them (keys are the flags in
 * camelCase: `batchSize` for `--batch-size`). Every key is optional; unknown keys are errors.
 */
export const pretrainConfigSchema = z.strictObject({
  /** The method (also the command's argument; both must agree). */
  method: z.string().min(1).optional(),
  /** A dataset id (`selfsup datasets`) or a path to your own data. */
  data: z.string().min(1).optional(),
  /** Use only the first N examples of the data. */
  limit: z.number().int().positive().optional(),
  /** An encoder type of `@selfsup/core` (`conv-net`, `res-net`, `mlp`, …). */
  encoder: z.string().min(1).optional(),
  /** Options of the encoder (its own schema validates them), e.g. `{ channels: [16, 32] }`. */
  encoderOptions: json.optional(),
  /** Options of the method, e.g. SimCLR's `{ temperature: 0.2 }`. */
  methodOptions: json.optional(),
  /** Optimizer steps (or give `epochs`). */
  steps: z.number().int().positive().optional(),
  /** Passes over the data (or give `steps`). */
  epochs: z.number().positive().optional(),
  /** Examples per step. */
  batchSize: z.number().int().positive().optional(),
  /** Peak learning rate. */
  lr: z.number().positive().optional(),
  /** Linear warmup steps. */
  warmupSteps: z.number().int().min(0).optional(),
  /** The run seed. */
  seed: z.number().int().min(0).optional(),
  /** Save a checkpoint every N steps (and always at the end and on Ctrl-C). */
  checkpointEvery: z.number().int().positive().optional(),
  /** The output directory. */
  out: z.string().min(1).optional(),
  /**
   * Data-parallel worker threads (core's `pretrain({ workers })`): each trains on
   * `batchSize / workers` examples of every batch, on its own wasm instance. Methods without batch
   * coupling only (see the README). On `--resume`, absent means the count the checkpoint recorded.
   * @default 1
   */
  workers: z.number().int().positive().optional(),
  /** The tfjs backend to force. */
  backend: z.enum(['node-gpu', 'node', 'wasm', 'cpu']).optional(),
});

/** A validated `selfsup pretrain` config file. */
export type PretrainConfig = z.output<typeof pretrainConfigSchema>;
