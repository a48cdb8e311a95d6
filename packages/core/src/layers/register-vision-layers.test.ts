import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { SeededRandom } from '../random/seeded-random';
import { BatchNormalization } from './batch-normalization';
import { FusedLstm } from './fused-lstm';
import { LastStatePooling } from './last-state-pooling';
import { registerVisionLayers } from './register-vision-layers';
import { TimeReverse } from './time-reverse';

describe('registerVisionLayers', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('is idempotent and lets tf.loadLayersModel rebuild a model with identical outputs', async () => {
    registerVisionLayers();
    registerVisionLayers();
    const input = tf.input({ shape: [4, 3] });
    const normalized = new BatchNormalization({ momentum: 0.8, epsilon: 1e-4, name: 'norm' }).apply(
      input,
    );
    const recurrent = new FusedLstm({ units: 3, name: 'lstm' }).apply(normalized);
    const reversed = new TimeReverse({ name: 'reverse' }).apply(recurrent);
    const pooled = new LastStatePooling({ backwardSize: 1, name: 'pool' }).apply(
      reversed,
    ) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: pooled });
    const random = new SeededRandom(3);
    const x = tf.tensor3d(
      Float32Array.from({ length: 24 }, () => random.nextNormal()),
      [2, 4, 3],
    );
    // One training pass moves the moving statistics away from their initial values.
    tf.dispose(model.apply(x, { training: true }) as tf.Tensor);

    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const loadedNorm = loaded.getLayer('norm') as BatchNormalization;
    expect(loadedNorm).toBeInstanceOf(BatchNormalization);
    expect([loadedNorm.momentum, loadedNorm.epsilon]).toEqual([0.8, 1e-4]);
    expect((loaded.getLayer('pool') as LastStatePooling).backwardSize).toBe(1);
    expect((loaded.getLayer('lstm') as FusedLstm).units).toBe(3);
    const expected = model.predict(x) as tf.Tensor;
    const actual = loaded.predict(x) as tf.Tensor;
    expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([x, expected, actual]);
    model.dispose();
    loaded.dispose();
  });
});
