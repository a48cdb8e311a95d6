import * as tf from '@tensorflow/tfjs';
import { LayersEncoder } from '../encoders/layers-encoder';
import { deriveSeed, SeededRandom } from '../random/seeded-random';
import type { BatchSourceV1 } from '../spec/batch-source-v1';
import type { JsonObject } from '../spec/json';
import type { LossResultV1, ObjectiveV1, StepContextV1 } from '../spec/objective-v1';

/** Options of {@link createTinyEncoder}. */
export type TinyEncoderOptions = {
  /** Size of each input vector. @default 4 */
  readonly inputSize?: number;
  /** Width of the hidden dense layer. @default 8 */
  readonly hiddenSize?: number;
  /** Size of the representation. @default 3 */
  readonly outputSize?: number;
  /** Seed of the weight initialisers. @default 1 */
  readonly seed?: number;
};

/**
 * Builds a tiny dense {@link LayersEncoder} (`vector` input → dense+tanh → dense) with seeded,
 * explicitly named weights, for tests of training loops, checkpoints and downstream tools.
 *
 * @param options sizes and seed; the same options always give the same weights.
 * @returns an encoder of type `'tiny-dense'`; dispose it (or its objective) after use.
 * @example const encoder = createTinyEncoder({ inputSize: 4, outputSize: 3, seed: 7 });
 */
export function createTinyEncoder(options: TinyEncoderOptions = {}): LayersEncoder {
  const { inputSize = 4, hiddenSize = 8, outputSize = 3, seed = 1 } = options;
  const random = new SeededRandom(seed);
  const model = tf.sequential({
    name: 'tiny_encoder',
    layers: [
      tf.layers.dense({
        name: 'tiny_encoder_hidden',
        inputShape: [inputSize],
        units: hiddenSize,
        activation: 'tanh',
        kernelInitializer: tf.initializers.glorotUniform({ seed: random.nextSeed() }),
        biasInitializer: tf.initializers.randomUniform({
          minval: -0.1,
          maxval: 0.1,
          seed: random.nextSeed(),
        }),
      }),
      tf.layers.dense({
        name: 'tiny_encoder_output',
        units: outputSize,
        kernelInitializer: tf.initializers.glorotUniform({ seed: random.nextSeed() }),
      }),
    ],
  });
  return new LayersEncoder({
    type: 'tiny-dense',
    config: { type: 'tiny-dense', inputSize, hiddenSize, outputSize, seed },
    inputSpec: { modality: 'vector', shape: [inputSize], dtype: 'float32' },
    outputSize,
    model,
  });
}

/** Options of {@link createTinyObjective}. */
export type TinyObjectiveOptions = TinyEncoderOptions & {
  /** The method name written in checkpoints. @default 'tiny-reconstruction' */
  readonly method?: string;
  /** Multiplies the loss by NaN at this step, to test the non-finite guard. */
  readonly nanAtStep?: number;
};

/** The objective {@link createTinyObjective} returns: an {@link ObjectiveV1} over `[B, inputSize]` batches. */
export type TinyObjective = ObjectiveV1<tf.Tensor> & {
  /** How many times `doAfterStep` ran (also its checkpointed state `stepsSeen`). */
  stepsSeen(): number;
};

/**
 * Builds a tiny reconstruction objective (an autoencoder: {@link createTinyEncoder} then a dense
 * `decoder` head, mean squared error) with a checkpointed state tensor, for training-loop tests.
 *
 * The loss is the mean over the batch, so gradient accumulation over k batches equals one batch
 * k× larger. Metric: `meanAbsoluteError`. State: `stepsSeen`, incremented by `doAfterStep`.
 *
 * @param options sizes, seed, method name, and an optional step at which the loss turns NaN.
 * @returns the objective; `dispose()` frees its encoder, head and state.
 * @example const objective = createTinyObjective({ seed: 3 });
 */
export function createTinyObjective(options: TinyObjectiveOptions = {}): TinyObjective {
  const {
    inputSize = 4,
    outputSize = 3,
    seed = 1,
    method = 'tiny-reconstruction',
    nanAtStep,
  } = options;
  const encoder = createTinyEncoder(options);
  const decoder = tf.sequential({
    name: 'tiny_decoder',
    layers: [
      tf.layers.dense({
        name: 'tiny_decoder_output',
        inputShape: [outputSize],
        units: inputSize,
        kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 99) }),
      }),
    ],
  });
  let stepsSeen: tf.Variable = tf.tidy(() =>
    tf.variable(tf.scalar(0), false, undefined, 'float32'),
  );
  const config: JsonObject = { method, encoder: encoder.getConfig(), seed };
  return {
    specificationVersion: 'v1',
    method,
    encoder,
    heads: { decoder },
    getConfig: () => structuredClone(config),
    doLoss(batch: tf.Tensor, context: StepContextV1): LossResultV1 {
      const representation = encoder.doEncode(batch, { training: context.training });
      const reconstruction = decoder.apply(representation, {
        training: context.training,
      }) as tf.Tensor;
      const difference = reconstruction.sub(batch);
      let loss = difference.square().mean() as tf.Scalar;
      if (nanAtStep !== undefined && context.step === nanAtStep) loss = loss.mul(Number.NaN);
      return { loss, metrics: { meanAbsoluteError: difference.abs().mean() as tf.Scalar } };
    },
    doAfterStep(): void {
      tf.tidy(() => {
        stepsSeen.assign(stepsSeen.add(1));
      });
    },
    doGetState: () => ({ stepsSeen: stepsSeen.clone() }),
    doSetState(state): void {
      const value = state.stepsSeen;
      if (value === undefined)
        throw new Error('The tiny objective state needs a `stepsSeen` tensor.');
      stepsSeen.dispose();
      stepsSeen = tf.tidy(() => tf.variable(value.clone(), false, undefined, 'float32'));
    },
    stepsSeen: () => stepsSeen.dataSync()[0] ?? 0,
    dispose(): void {
      encoder.dispose();
      decoder.dispose();
      stepsSeen.dispose();
    },
  };
}

/** Options of {@link tinyBatchSource}. */
export type TinyBatchSourceOptions = {
  /** Number of examples in the dataset. @default 32 */
  readonly examples?: number;
  /** Examples per batch. @default 8 */
  readonly batchSize?: number;
  /** Size of each vector. @default 4 */
  readonly inputSize?: number;
  /** Seed of the data values (the order follows the `seed` given to `batches`). @default 5 */
  readonly dataSeed?: number;
};

/** The source {@link tinyBatchSource} returns: a {@link BatchSourceV1} that also says its size. */
export type TinyBatchSource = BatchSourceV1<tf.Tensor2D> & {
  /** Batches in one pass over the data (the last partial batch is dropped). */
  readonly batchesPerEpoch: number;
  /** How many batches were created so far (to test that prefetch stays bounded). */
  created(): number;
};

/**
 * A resumable, seeded source of `[batchSize, inputSize]` float32 batches over a small fixed
 * dataset of correlated vectors, reshuffled every epoch with `deriveSeed(seed, epoch)`.
 *
 * @param options dataset size, batch size, vector size and data seed.
 * @returns a {@link BatchSourceV1} that never ends (epoch after epoch).
 * @example const batches = tinyBatchSource({ examples: 32, batchSize: 8 });
 */
export function tinyBatchSource(options: TinyBatchSourceOptions = {}): TinyBatchSource {
  const { examples = 32, batchSize = 8, inputSize = 4, dataSeed = 5 } = options;
  if (batchSize > examples)
    throw new Error(`tinyBatchSource: batchSize ${batchSize} > examples ${examples}.`);
  const random = new SeededRandom(dataSeed);
  const values = new Float32Array(examples * inputSize);
  for (let example = 0; example < examples; example++) {
    const latent = random.nextNormal();
    for (let feature = 0; feature < inputSize; feature++) {
      values[example * inputSize + feature] =
        latent * (feature + 1) * 0.5 + random.nextNormal() * 0.1;
    }
  }
  const batchesPerEpoch = Math.floor(examples / batchSize);
  let created = 0;
  return {
    specificationVersion: 'v1',
    batchesPerEpoch,
    created: () => created,
    batches({ position, seed }) {
      let index = position;
      return {
        next(): IteratorResult<tf.Tensor2D> {
          const epoch = Math.floor(index / batchesPerEpoch);
          const order = new SeededRandom(deriveSeed(seed, epoch)).permutation(examples);
          const start = (index % batchesPerEpoch) * batchSize;
          const batch = new Float32Array(batchSize * inputSize);
          for (let row = 0; row < batchSize; row++) {
            const example = order[start + row] ?? 0;
            batch.set(
              values.subarray(example * inputSize, (example + 1) * inputSize),
              row * inputSize,
            );
          }
          index++;
          created++;
          return { done: false, value: tf.tensor2d(batch, [batchSize, inputSize]) };
        },
      };
    },
  };
}
