import * as tf from '@tensorflow/tfjs';
import { registerVisionLayers } from '../layers/register-vision-layers';
import type { EncoderConfigV1, EncoderV1 } from '../spec/encoder-v1';
import { computeOnBackends, expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';

/**
 * Test checks shared by the vision, audio and recurrent encoder tests (not part of the public API).
 */

/** Saves `encoder.model` in memory and loads it back with `tf.loadLayersModel`. */
export async function saveAndLoadModel(model: tf.LayersModel): Promise<tf.LayersModel> {
  registerVisionLayers();
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (saved === undefined) throw new Error('saveAndLoadModel: the model saved nothing.');
  return tf.loadLayersModel(tf.io.fromMemory(saved));
}

/**
 * Throws unless a round trip (save, load, `fromModel(model, JSON config)`) gives an encoder with
 * identical pooled outputs (and per-position features, when it has them).
 */
export async function expectRoundTrip<Encoder extends EncoderV1>(
  encoder: Encoder,
  fromModel: (model: tf.LayersModel, config: EncoderConfigV1) => Encoder,
  input: tf.Tensor,
): Promise<Encoder> {
  const loaded = fromModel(
    await saveAndLoadModel(encoder.model),
    JSON.parse(JSON.stringify(encoder.getConfig())),
  );
  if (JSON.stringify(loaded.getConfig()) !== JSON.stringify(encoder.getConfig())) {
    throw new Error('Round trip: the config changed.');
  }
  tf.tidy(() => {
    const expected = encoder.doEncode(input, { training: false });
    const actual = loaded.doEncode(input, { training: false });
    expectTensorsClose(actual, expected, {
      relativeNorm: 1e-7,
      rtol: 0,
      atol: 0,
      label: 'round trip pooled',
    });
    if (encoder.doEncodeSequence !== undefined && loaded.doEncodeSequence !== undefined) {
      expectTensorsClose(
        loaded.doEncodeSequence(input, { training: false }),
        encoder.doEncodeSequence(input, { training: false }),
        { relativeNorm: 1e-7, rtol: 0, atol: 0, label: 'round trip features' },
      );
    }
  });
  return loaded;
}

/**
 * Throws when a training forward + backward (gradients of every trainable weight) or an
 * inference forward leaves a tensor behind. Returns the number of weight gradients.
 */
export async function expectEncoderStepLeaksNothing(
  encoder: EncoderV1,
  input: tf.Tensor,
): Promise<number> {
  // Build lazily created state (e.g. BatchNormalization's first call) before counting.
  tf.dispose(encoder.doEncode(input, { training: false }));
  let gradientCount = 0;
  await expectNoTensorLeak(() => {
    const { value, grads } = tf.variableGrads(() =>
      tf.tidy(() => {
        const pooled = encoder.doEncode(input, { training: true });
        const features = encoder.doEncodeSequence?.(input, { training: true });
        return tf
          .add(tf.mean(tf.square(pooled)), features === undefined ? 0 : tf.mean(features))
          .asScalar();
      }),
    );
    gradientCount = Object.keys(grads).length;
    for (const [name, gradient] of Object.entries(grads)) {
      if (!tf.util.isScalarShape(gradient.shape) && gradient.size === 0)
        throw new Error(`Empty gradient for ${name}.`);
    }
    tf.dispose([value, ...Object.values(grads)]);
    tf.dispose(encoder.doEncode(input, { training: false }));
  });
  return gradientCount;
}

/**
 * Throws unless a freshly created (seeded) encoder gives the same pooled output, features and
 * weight gradients (training mode) on wasm as on cpu (‖wasm − cpu‖/‖cpu‖ < 1e-4).
 */
export async function expectEncoderMatchesCpu(
  create: () => EncoderV1,
  createInput: () => tf.Tensor,
): Promise<void> {
  const { reference, actual } = await computeOnBackends(() => {
    const encoder = create();
    const input = createInput();
    const variables = encoder.model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const pooled = encoder.doEncode(input, { training: true });
    const { grads } = tf.variableGrads(() => {
      const output = encoder.doEncode(input, { training: true });
      const features = encoder.doEncodeSequence?.(input, { training: true });
      const weights = tf.sin(tf.range(0, output.size).reshape(output.shape));
      return tf
        .add(
          tf.sum(tf.mul(output, weights)),
          features === undefined ? 0 : tf.mean(tf.square(features)),
        )
        .asScalar();
    }, variables);
    const results = [pooled, ...variables.map((variable) => grads[variable.name]!)].map((tensor) =>
      tensor.clone(),
    );
    encoder.dispose();
    return results;
  });
  if (actual.length !== reference.length)
    throw new Error('wasm and cpu gave different numbers of results.');
  actual.forEach((values, index) => {
    expectTensorsClose(values, reference[index]!, {
      label: index === 0 ? 'pooled output' : `gradient ${index - 1}`,
    });
  });
}
