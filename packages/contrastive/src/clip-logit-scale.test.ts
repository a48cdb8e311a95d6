import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LogitScale, registerClipLayers } from './clip-logit-scale';

function scaleHead(args: ConstructorParameters<typeof LogitScale>[0] = {}) {
  const layer = new LogitScale({ inputShape: [null], name: 'logit_scale', ...args });
  return { layer, head: tf.sequential({ layers: [layer] }) };
}

describe('LogitScale', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('starts at 1/0.07, multiplies similarities, and is one trainable scalar', async () => {
    const { layer, head } = scaleHead();
    expect(head.trainableWeights).toHaveLength(1);
    expect(head.trainableWeights[0]!.shape).toEqual([]);
    expect(layer.getLogScale().dataSync()[0]).toBeCloseTo(Math.log(1 / 0.07), 6);
    await expectNoTensorLeak(() => {
      const scaled = tf.tidy(() => head.apply(tf.tensor2d([[0.5, -1]])) as tf.Tensor);
      const values = scaled.dataSync();
      expect(values[0]).toBeCloseTo(0.5 / 0.07, 3);
      expect(values[1]).toBeCloseTo(-1 / 0.07, 3);
      scaled.dispose();
    });
    head.dispose();
  });

  it('never scales by more than 100, and clamps its variable in place', async () => {
    const { layer, head } = scaleHead();
    tf.tidy(() => head.setWeights([tf.scalar(7)]));
    await expectNoTensorLeak(() => {
      const scale = layer.scale();
      expect(scale.dataSync()[0]).toBeCloseTo(100, 3);
      scale.dispose();
      // Above the ceiling the scale is flat: no gradient pushes it further.
      const gradient = tf.grad((s: tf.Tensor) => tf.exp(tf.minimum(s, layer.maximum)))(
        layer.getLogScale(),
      );
      expect(gradient.dataSync()[0]).toBe(0);
      gradient.dispose();
      layer.clampInPlace();
    });
    expect(layer.getLogScale().dataSync()[0]).toBeCloseTo(Math.log(100), 6);
    tf.tidy(() => head.setWeights([tf.scalar(1)]));
    layer.clampInPlace();
    expect(layer.getLogScale().dataSync()[0]).toBeCloseTo(1, 6);
    head.dispose();
    expect(() => new LogitScale({ initialValue: 5 })).toThrow(/exceeds maximum/);
  });

  it('round-trips through tf.loadLayersModel once registered', async () => {
    registerClipLayers();
    registerClipLayers();
    const { head } = scaleHead({ maximum: 3 });
    tf.tidy(() => head.setWeights([tf.scalar(2.5)]));
    let artifacts: tf.io.ModelArtifacts | undefined;
    await head.save(
      tf.io.withSaveHandler(async (saved) => {
        artifacts = saved;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(JSON.stringify(artifacts?.modelTopology)).toContain('SelfsupLogitScale');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const layer = loaded.layers[0] as LogitScale;
    expect(layer).toBeInstanceOf(LogitScale);
    expect(layer.maximum).toBe(3);
    expect(layer.getLogScale().dataSync()[0]).toBeCloseTo(2.5, 6);
    head.dispose();
    loaded.dispose();
  });
});
