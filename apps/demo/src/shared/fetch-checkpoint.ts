import {
  type CheckpointManifest,
  checkpointManifestSchema,
  type EncoderConfigV1,
  type EncoderFactory,
  type EncoderV1,
  encoderFromModel,
  type ObjectiveV1,
  registerLayers,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/** Where the site serves the checkpoints of `scripts/make-demo-checkpoints.mjs`. */
export const demoModelNames = [
  'gpt-names',
  'pixelcnn-mnist',
  'wavenet-audio',
  'bert-sotu',
  'clip-mnist',
] as const;

/** One of the site's checkpoints. */
export type DemoModelName = (typeof demoModelNames)[number];

/** What `scripts/make-demo-checkpoints.mjs` records next to each checkpoint (`about.json`). */
export type DemoModelAbout = {
  readonly name: string;
  readonly purpose: string;
  readonly command: string;
  readonly method: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly step: number;
  readonly loss: number;
  readonly trainingSeconds: number;
};

/**
 * The URL of one of the site's checkpoint folders (`public/models/<name>/`), ending in '/'.
 *
 * @param name The model.
 * @param base The site's base URL. @default the page's `import.meta.env.BASE_URL`
 * @returns The folder's absolute URL.
 * @example
 * demoModelUrl('gpt-names'); // 'http://localhost:4173/models/gpt-names/'
 */
export function demoModelUrl(
  name: DemoModelName,
  base: string = new URL(import.meta.env.BASE_URL, location.href).href,
): string {
  return new URL(`models/${name}/`, base).href;
}

async function fetchJson(url: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`Could not fetch ${url} (${(error as Error).message}): is the site served?`);
  }
  if (!response.ok) {
    throw new Error(
      `Could not fetch ${url} (HTTP ${response.status}): the checkpoint is missing; run node apps/demo/scripts/make-demo-checkpoints.mjs and rebuild.`,
    );
  }
  try {
    return await response.json();
  } catch (error) {
    throw new Error(`${url} is not valid JSON (${(error as Error).message}): make it again.`);
  }
}

/**
 * Fetches and validates a checkpoint's manifest (`selfsup.json`, core's format): the browser's
 * counterpart of core's `readCheckpointManifest`.
 *
 * @param folderUrl The checkpoint folder's URL, ending in '/'.
 * @param method Refuse a checkpoint of another method (the manifest's `method`).
 * @returns The manifest.
 * @throws An Error naming the file when it is missing, damaged or of another method.
 * @example
 * const manifest = await fetchCheckpointManifest(demoModelUrl('gpt-names'), 'gpt');
 */
export async function fetchCheckpointManifest(
  folderUrl: string,
  method?: string,
): Promise<CheckpointManifest> {
  const url = new URL('selfsup.json', folderUrl).href;
  const parsed = checkpointManifestSchema.safeParse(await fetchJson(url));
  if (!parsed.success) {
    throw new Error(`${url} is not a selfsup checkpoint manifest (${parsed.error.message}).`);
  }
  const manifest = parsed.data as CheckpointManifest;
  if (method !== undefined && manifest.method !== method) {
    throw new Error(
      `${url} is a '${manifest.method}' checkpoint, not '${method}': load the right model.`,
    );
  }
  return manifest;
}

/**
 * Fetches `about.json`: how `scripts/make-demo-checkpoints.mjs` trained the checkpoint.
 *
 * @param folderUrl The checkpoint folder's URL.
 * @returns The record (command, settings, steps, loss, time).
 * @example
 * const { step, loss } = await fetchModelAbout(demoModelUrl('gpt-names'));
 */
export async function fetchModelAbout(folderUrl: string): Promise<DemoModelAbout> {
  return (await fetchJson(new URL('about.json', folderUrl).href)) as DemoModelAbout;
}

/**
 * Loads the encoder of a checkpoint served over HTTP, as core's `loadEncoder` does from a
 * directory in Node: the manifest, then `encoder/model.json` with `tf.loadLayersModel` (a
 * standard tfjs layers model), wrapped by the encoder type's factory. Custom layers outside
 * core must be registered first (e.g. `registerPixelCnnLayers()`).
 *
 * @param folderUrl The checkpoint folder's URL, ending in '/'.
 * @param encoders Factories of encoder types outside core, by type. @default {}
 * @returns The encoder and the manifest; dispose the encoder when done.
 * @example
 * const { encoder } = await fetchEncoder(demoModelUrl('gpt-names'));
 */
export async function fetchEncoder(
  folderUrl: string,
  encoders: Readonly<Record<string, EncoderFactory>> = {},
): Promise<{ readonly encoder: EncoderV1; readonly manifest: CheckpointManifest }> {
  registerLayers();
  const manifest = await fetchCheckpointManifest(folderUrl);
  const model = await tf.loadLayersModel(new URL('encoder/model.json', folderUrl).href);
  const config = { ...manifest.encoder.config, type: manifest.encoder.type } as EncoderConfigV1;
  try {
    return { encoder: encoderFromModel(model, config, encoders), manifest };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * Fetches a layers model's weights (`model.json` + shards) without building the model.
 *
 * @param modelUrl The URL of its `model.json`.
 * @returns The weight tensors by name and the names in file order; the caller disposes them.
 */
async function fetchModelWeights(
  modelUrl: string,
): Promise<{ tensors: tf.NamedTensorMap; names: string[] }> {
  const handler = tf.io.browserHTTPRequest(modelUrl);
  if (handler.load === undefined) throw new Error(`tfjs cannot load ${modelUrl} over HTTP.`);
  const artifacts = await handler.load();
  const specs = artifacts.weightSpecs ?? [];
  const data =
    artifacts.weightData === undefined
      ? new ArrayBuffer(0)
      : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  return { tensors: tf.io.decodeWeights(data, specs), names: specs.map((spec) => spec.name) };
}

/**
 * Writes a checkpoint served over HTTP into an existing objective built with the checkpoint's
 * config: encoder and head weights, matched by name (or by position when the layers were renamed),
 * every shape checked before anything is written. The browser's counterpart of core's
 * `restoreCheckpoint` (weights only: no optimizer or objective state).
 *
 * @param folderUrl The checkpoint folder's URL, ending in '/'.
 * @param objective The objective; its method and heads must match the checkpoint's.
 * @returns The manifest.
 * @throws An Error naming the weight when the architecture differs.
 * @example
 * const objective = createWavenetObjective({ wavenet: config });
 * await restoreFromUrl(demoModelUrl('wavenet-audio'), objective);
 */
export async function restoreFromUrl(
  folderUrl: string,
  objective: ObjectiveV1<never>,
): Promise<CheckpointManifest> {
  const manifest = await fetchCheckpointManifest(folderUrl, objective.method);
  const headNames = Object.keys(objective.heads).sort();
  if (headNames.join(',') !== [...manifest.heads].sort().join(',')) {
    throw new Error(
      `${folderUrl}: heads [${manifest.heads.join(', ')}] do not match the objective's [${headNames.join(', ')}]; build it with the checkpoint's config.`,
    );
  }
  const parts: [tf.LayersModel, string][] = [
    [objective.encoder.model, 'encoder/model.json'],
    ...headNames.map((name): [tf.LayersModel, string] => [
      objective.heads[name] as tf.LayersModel,
      `heads/${name}/model.json`,
    ]),
  ];
  const fetched: tf.NamedTensorMap[] = [];
  try {
    const pairs: [tf.LayerVariable, tf.Tensor][] = [];
    for (const [model, path] of parts) {
      const url = new URL(path, folderUrl).href;
      const saved = await fetchModelWeights(url);
      fetched.push(saved.tensors);
      const byName = model.weights.every(
        (weight) => saved.tensors[weight.originalName] !== undefined,
      );
      if (!byName && model.weights.length !== saved.names.length) {
        throw new Error(
          `${url} holds ${saved.names.length} weights, the model ${model.weights.length}: another architecture.`,
        );
      }
      model.weights.forEach((weight, index) => {
        const name = byName ? weight.originalName : (saved.names[index] ?? '');
        const tensor = saved.tensors[name];
        if (tensor === undefined || !tf.util.arraysEqual(tensor.shape, weight.shape as number[])) {
          throw new Error(
            `${url}: weight '${name}' has shape ${JSON.stringify(tensor?.shape)}, the model's '${weight.originalName}' ${JSON.stringify(weight.shape)}: another architecture.`,
          );
        }
        pairs.push([weight, tensor]);
      });
    }
    for (const [weight, tensor] of pairs) weight.write(tensor);
    return manifest;
  } finally {
    for (const tensors of fetched) tf.dispose(tensors);
  }
}
