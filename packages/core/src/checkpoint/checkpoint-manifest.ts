import { z } from 'zod';
import type { JsonObject, JsonValue } from '../spec/json';
import { jsonObjectSchema, jsonValueSchema } from '../spec/json-schema';

/** The checkpoint format this code writes and reads. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** The name of the manifest file inside a checkpoint directory. */
export const MANIFEST_FILE = 'selfsup.json';

const jsonValue = jsonValueSchema;
const jsonObject = jsonObjectSchema;

/** The zod schema of `selfsup.json`; loading validates every manifest against it. */
export const checkpointManifestSchema = z.object({
  formatVersion: z.number().int(),
  kind: z.literal('selfsup-checkpoint'),
  method: z.string().min(1),
  step: z.number().int().min(0),
  seed: z.number().int().nullable(),
  randomState: z.array(z.number().int()).length(4).nullable(),
  dataPosition: z.number().int().min(0).nullable(),
  resumable: z.boolean(),
  encoder: z.object({ type: z.string(), config: jsonObject, outputSize: z.number().int() }),
  objective: jsonObject,
  heads: z.array(z.string()),
  metrics: z.record(z.string(), z.number().nullable()),
  optimizer: jsonObject.nullable(),
  hasObjectiveState: z.boolean(),
  dataset: jsonValue.nullable(),
  tokenizer: jsonValue.nullable(),
  training: jsonObject.nullable(),
  packageVersions: z.record(z.string(), z.string()),
  createdAt: z.string(),
});

/** `selfsup.json`: what a checkpoint holds and how to continue from it. */
export type CheckpointManifest = {
  /** {@link CHECKPOINT_FORMAT_VERSION} of the writer. */
  readonly formatVersion: number;
  readonly kind: 'selfsup-checkpoint';
  /** The objective's method (e.g. `'simclr'`). */
  readonly method: string;
  /** Optimizer steps done. */
  readonly step: number;
  /** The run seed, when known. */
  readonly seed: number | null;
  /** The run's `SeededRandom` state, when the writer had one. */
  readonly randomState: readonly number[] | null;
  /** Batches consumed from the data source (where a resumed run continues). */
  readonly dataPosition: number | null;
  /** Whether the data was a resumable `BatchSourceV1`. */
  readonly resumable: boolean;
  /** The encoder type, config and output size. */
  readonly encoder: {
    readonly type: string;
    readonly config: JsonObject;
    readonly outputSize: number;
  };
  /** The objective's `getConfig()`. */
  readonly objective: JsonObject;
  /** The names of the saved heads (`heads/<name>/`). */
  readonly heads: readonly string[];
  /** The last metrics (loss included). */
  readonly metrics: Readonly<Record<string, number | null>>;
  /** The optimizer config when `optimizer/` holds its state. */
  readonly optimizer: JsonObject | null;
  /** Whether `state/` holds the objective's `doGetState()` tensors. */
  readonly hasObjectiveState: boolean;
  /** A reference to the dataset (name, version, hash), when given. */
  readonly dataset: JsonValue | null;
  /** A reference to the tokenizer, when given. */
  readonly tokenizer: JsonValue | null;
  /** The training options that matter to resume (steps, schedule…). */
  readonly training: JsonObject | null;
  /** Versions of selfsup and tfjs that wrote the checkpoint. */
  readonly packageVersions: Readonly<Record<string, string>>;
  /** ISO time of writing. */
  readonly createdAt: string;
};
