import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { createEarlyStoppingMonitor } from './early-stopping-monitor';
import { earlyStoppingSchema } from './finetune-options';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('createEarlyStoppingMonitor', () => {
  it('stops after `patience` epochs without improvement and restores the best weights', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    await expectNoTensorLeak(() => {
      const monitor = createEarlyStoppingMonitor(earlyStoppingSchema.parse({ patience: 2 }), 10, [
        model,
      ]);
      const kernelAt = new Map<number, Float32Array>();
      const losses = [1, 0.5, 0.55, 0.6];
      const stops = losses.map((validationLoss, index) => {
        const epoch = index + 1;
        tf.tidy(() => model.setWeights([tf.fill([2, 1], epoch), tf.zeros([1])]));
        kernelAt.set(epoch, Float32Array.from(model.getWeights()[0]!.dataSync()));
        return monitor.update({ epoch, trainLoss: 0, validationLoss });
      });
      expect(stops).toEqual([false, false, false, true]);
      expect(monitor.bestEpoch).toBe(2);
      expect(monitor.finish(4)).toEqual({ bestEpoch: 2, restoredBestWeights: true });
      expect(Float32Array.from(model.getWeights()[0]!.dataSync())).toEqual(kernelAt.get(2));
      monitor.dispose();
    });
    model.dispose();
  });

  it('watches accuracy upwards, honours minDelta and needs no copy when the last epoch is best', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    const settings = earlyStoppingSchema.parse({
      monitor: 'accuracy',
      minDelta: 0.05,
      patience: 5,
    });
    const monitor = createEarlyStoppingMonitor(settings, 3, [model]);
    monitor.update({ epoch: 1, trainLoss: 0, validationAccuracy: 0.5 });
    monitor.update({ epoch: 2, trainLoss: 0, validationAccuracy: 0.52 });
    expect(monitor.bestEpoch).toBe(1);
    monitor.update({ epoch: 3, trainLoss: 0, validationAccuracy: 0.8 });
    expect(monitor.finish(3)).toEqual({ bestEpoch: 3, restoredBestWeights: false });
    monitor.dispose();
    expect(() => monitor.update({ epoch: 4, trainLoss: 0 })).toThrow(/no validation accuracy/);
    model.dispose();
  });
});
