import { deriveSeed, initBackend, pretrain, SeededRandom } from '@selfsup/core';
import { computeOnBackends, expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import { syntheticAudioSource } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { muLawEncode } from './mu-law';
import { createWavenet } from './wavenet';
import { createWavenetObjective } from './wavenet-objective';
import { wavenetDilations, wavenetReceptiveField } from './wavenet-settings';
import { registerWavenetLayers } from './wavenet-stack';

const tiny = { layers: 3, channels: 4, skipChannels: 8, dilationCycle: 3, seed: 5 } as const;

/** Which logits positions change when the id at `position` changes (max |Δ| > 1e-6). */
function changedPositions(
  wavenet: ReturnType<typeof createWavenet>,
  length: number,
  position: number,
): number[] {
  const base = Int32Array.from({ length }, (_, i) => (37 * i + 11) % 256);
  const perturbed = base.slice();
  perturbed[position] = (base[position]! + 128) % 256;
  const difference = tf.tidy(() => {
    const a = wavenet.logits(tf.tensor2d(base, [1, length], 'int32'));
    const b = wavenet.logits(tf.tensor2d(perturbed, [1, length], 'int32'));
    return tf.abs(tf.sub(a, b)).max(2).reshape([length]);
  });
  const values = difference.dataSync();
  difference.dispose();
  return [...values.keys()].filter((t) => values[t]! > 1e-6);
}

describe('WaveNet architecture', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('has the paper’s dilations and receptive field', () => {
    expect(wavenetDilations({ layers: 10 })).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
    expect(wavenetDilations({ layers: 5, dilationCycle: 2 })).toEqual([1, 2, 1, 2, 1]);
    // 1024 from the dilated stack (section 2.1) + 1 from the 2-tap input convolution.
    expect(wavenetReceptiveField({ layers: 10 })).toBe(1025);
    expect(wavenetReceptiveField({ layers: 20 })).toBe(2 + 2 * 1023);
    expect(wavenetReceptiveField({ layers: 2, kernelSize: 3 })).toBe(2 + 2 * 1 + 2 * 2);
    expect(() => createWavenet({ channels: 0 })).toThrow(/'channels' must be a positive integer/);
    expect(() => createWavenet({ kernelSize: 1 })).toThrow(/at least 2/);
  });

  it('is causal with exactly the designed receptive field (k = 2 and k = 3)', () => {
    for (const options of [tiny, { ...tiny, layers: 2, kernelSize: 3 }]) {
      const wavenet = createWavenet(options);
      const field = wavenetReceptiveField(options);
      const length = 2 * field + 6;
      const position = field - 2;
      // The logits at t read ids t − R … t − 1: a change at p moves exactly t = p + 1 … p + R.
      const expected = Array.from({ length: field }, (_, i) => position + 1 + i);
      expect(changedPositions(wavenet, length, position)).toEqual(expected);
      wavenet.dispose();
    }
  });

  it('encodes audio to per-sample features and reloads from its saved model', async () => {
    registerWavenetLayers();
    const wavenet = createWavenet(tiny);
    const audio = tf.tidy(() =>
      tf
        .sin(tf.linspace(0, 40, 64))
        .mul(0.5)
        .reshape([1, 64, 1]),
    );
    const features = wavenet.encoder.doEncodeSequence(audio, { training: false });
    const pooled = wavenet.encoder.doEncode(audio, { training: false });
    expect(features.shape).toEqual([1, 64, tiny.skipChannels]);
    expect(pooled.shape).toEqual([1, tiny.skipChannels]);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await wavenet.encoder.model.save(
      tf.io.withSaveHandler(async (saved) => {
        artifacts = saved;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const reloaded = loaded.predict(audio) as tf.Tensor;
    expectTensorsClose(reloaded, features, { atol: 1e-6 });
    tf.dispose([audio, features, pooled, reloaded]);
    loaded.dispose();
    wavenet.dispose();
  });
});

describe('WaveNet objective', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('computes a leak-free 256-way loss whose gradients on wasm equal tfjs-cpu', async () => {
    const compute = () => {
      const objective = createWavenetObjective({ wavenet: { ...tiny, classes: 3 } });
      const audio = tf
        .sin(tf.linspace(0, 30, 2 * 40))
        .mul(0.6)
        .reshape([2, 40, 1]) as tf.Tensor3D;
      const labels = tf.tensor1d([0, 2], 'int32');
      const context = { step: 0, seed: 3, training: true };
      const variables = [
        ...objective.encoder.model.trainableWeights,
        ...Object.values(objective.heads).flatMap((head) => head.trainableWeights),
      ].map((weight) => weight.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(
        () => objective.doLoss({ audio, labels }, context).loss,
        variables,
      );
      const outputs = [value, ...variables.map((variable) => grads[variable.name]!)];
      objective.dispose();
      return outputs;
    };
    await expectNoTensorLeak(async () => {
      const { reference, actual } = await computeOnBackends(compute);
      // Untrained: the loss is near ln 256 = 5.55 nats.
      expect(actual[0]![0]).toBeGreaterThan(4.5);
      expect(actual.length).toBe(reference.length);
      actual.forEach((values, i) => {
        expectTensorsClose(values, reference[i]!, { rtol: 1e-3, atol: 1e-5 });
      });
    });
  });

  it('injects input noise into the inputs only: sample t perturbs the logits from t + 1, targets stay clean, leak-free', async () => {
    const wavenet = createWavenet(tiny);
    const length = 20;
    const ids = tf.tensor2d(
      Int32Array.from({ length }, (_, i) => (41 * i + 7) % 256),
      [1, length],
      'int32',
    );
    const clean = wavenet.logits(ids);
    const zero = tf.tidy(() => wavenet.logits(ids, undefined, undefined, tf.zeros([1, length])));
    expectTensorsClose(zero, clean, { rtol: 0, atol: 0 });
    // Noise on sample 6 (where it is an input) moves the logits from position 7 on, never before.
    const bump = tf.tidy(() =>
      wavenet.logits(
        ids,
        undefined,
        undefined,
        tf.oneHot([6], length).cast('float32').mul(0.05) as tf.Tensor2D,
      ),
    );
    const changed = tf.tidy(() => tf.abs(tf.sub(bump, clean)).max(2).reshape([length]));
    const magnitudes = changed.dataSync();
    expect([...magnitudes.keys()].filter((t) => magnitudes[t]! > 1e-6)[0]).toBe(7);
    expect(() =>
      tf.tidy(() => wavenet.logits(ids, undefined, undefined, tf.zeros([1, 5]))),
    ).toThrow(/inputNoise must match the ids' shape \[1,20\], got \[1,5\]/);
    tf.dispose([clean, zero, bump, changed, ids]);

    // The objective: the noise is drawn from the step seed (the same step, the same loss), only
    // while training, and the targets are the clean ids: a noisy step's loss is the cross-entropy
    // of the logits of the noisy inputs (the step seed's crop, its noise stream) against the clean
    // window's ids.
    const audio = tf
      .sin(tf.linspace(0, 25, 2 * 48))
      .mul(0.5)
      .reshape([2, 48, 1]) as tf.Tensor3D;
    const noisy = createWavenetObjective({ wavenet: tiny, cropLength: 32, inputNoise: 0.5 });
    const plain = createWavenetObjective({ wavenet: tiny, cropLength: 32 });
    const lossOf = (
      objective: ReturnType<typeof createWavenetObjective>,
      context: { step: number; seed: number; training: boolean },
    ) =>
      tf.tidy(() => {
        const { loss, metrics } = objective.doLoss(audio, context);
        return [loss.dataSync()[0]!, metrics!.accuracy!.dataSync()[0]!];
      });
    await expectNoTensorLeak(() => {
      const training = { step: 3, seed: 17, training: true };
      const [first] = lossOf(noisy, training);
      const [again] = lossOf(noisy, training);
      const [cleanLoss] = lossOf(plain, training);
      const [otherStep] = lossOf(noisy, { step: 4, seed: 18, training: true });
      const [evaluation] = lossOf(noisy, { ...training, training: false });
      expect(again).toBe(first);
      expect(Math.abs(first! - cleanLoss!)).toBeGreaterThan(1e-4);
      expect(otherStep).not.toBe(first);
      expect(evaluation).toBeCloseTo(cleanLoss!, 6);
      const expected = tf.tidy(() => {
        const offset = new SeededRandom(17).nextInt(48 - 32 + 1);
        const windowIds = muLawEncode(audio.slice([0, offset, 0], [2, 32, 1])).reshape([
          2, 32,
        ]) as tf.Tensor2D;
        const noise = tf.randomNormal([2, 32], 0, 0.5, 'float32', deriveSeed(17, 1)) as tf.Tensor2D;
        const logits = wavenet.logits(windowIds, undefined, undefined, noise).reshape([64, 256]);
        const targets = tf.oneHot(windowIds.reshape([64]), 256);
        return tf.losses.softmaxCrossEntropy(targets, logits).dataSync()[0]!;
      });
      expect(first).toBeCloseTo(expected, 5);
      return Promise.resolve();
    });
    expect(noisy.getConfig()).toMatchObject({ inputNoise: 0.5, cropLength: 32 });
    for (const inputNoise of [-0.01, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createWavenetObjective({ wavenet: tiny, inputNoise })).toThrow(
        /inputNoise must be a finite standard deviation ≥ 0/,
      );
    }
    tf.dispose(audio);
    noisy.dispose();
    plain.dispose();
    wavenet.dispose();
  });

  it('learns: the next-sample loss on synthetic audio falls well below its start (wasm, pretrain)', async () => {
    const objective = createWavenetObjective({
      wavenet: { layers: 4, channels: 8, skipChannels: 16, seed: 2 },
      cropLength: 256,
    });
    let result: Awaited<ReturnType<typeof pretrain>> | undefined;
    await expectNoTensorLeak(async () => {
      result = await pretrain(objective, syntheticAudioSource({ batchSize: 4, duration: 0.5 }), {
        steps: 30,
        learningRate: 3e-2,
        schedule: 'constant',
        seed: 1,
      });
    });
    const history = result!.history;
    const start = (history[0]! + history[1]!) / 2;
    const end = (history.at(-1)! + history.at(-2)!) / 2;
    console.info(`WaveNet tiny: loss ${start.toFixed(2)} → ${end.toFixed(2)} nats in 30 steps`);
    expect(start).toBeGreaterThan(5);
    // (ln 256 = 5.55 is a uniform guess; 30 tiny steps learn the loudness-varied marginal and more.)
    expect(end).toBeLessThan(start - 0.4);
    expect(result!.metrics.bitsPerSample).toBeCloseTo(result!.loss! / Math.LN2, 4);
    objective.dispose();
  });

  it('uses the class: a conditional model learns class-specific levels from the label alone', async () => {
    // Class 0: constant +0.5, class 1: constant −0.5. At t = 0 only the label can tell them apart.
    const batches = Array.from({ length: 40 }, () =>
      tf.tidy(() => ({
        audio: tf.concat([tf.fill([4, 16, 1], 0.5), tf.fill([4, 16, 1], -0.5)]) as tf.Tensor3D,
        labels: tf.tensor1d([0, 0, 0, 0, 1, 1, 1, 1], 'int32'),
      })),
    );
    const objective = createWavenetObjective({ wavenet: { ...tiny, classes: 2 } });
    await pretrain(objective, batches, {
      steps: 40,
      learningRate: 3e-2,
      schedule: 'constant',
      seed: 1,
    });
    const expected = muLawEncode(Float32Array.of(0.5, -0.5));
    const logits = tf.tidy(() =>
      objective.wavenet
        .logits(tf.tensor2d([0, 0], [2, 1], 'int32'), tf.tensor1d([0, 1], 'int32'))
        .argMax(2)
        .reshape([2]),
    );
    expect([...logits.dataSync()]).toEqual([...expected]);
    logits.dispose();
    objective.dispose();
  });

  it('reads local controls causally: frame f changes the logits from its first sample on, never before', () => {
    const hop = 4;
    const wavenet = createWavenet({ ...tiny, controls: 2, controlHop: hop });
    const length = 24;
    const ids = tf.tensor2d(
      Int32Array.from({ length }, (_, i) => (29 * i + 3) % 256),
      [1, length],
      'int32',
    );
    const frames = Float32Array.from({ length: (length / hop) * 2 }, (_, i) => Math.sin(i));
    const logitsOf = (values: Float32Array) =>
      tf.tidy(() =>
        wavenet.logits(
          ids,
          undefined,
          wavenet.upsampleControls(tf.tensor3d(values, [1, length / hop, 2])),
        ),
      );
    const base = logitsOf(frames);
    for (const frame of [2, 5]) {
      const perturbed = frames.slice();
      perturbed[2 * frame] = perturbed[2 * frame]! + 1;
      const other = logitsOf(perturbed);
      const changed = tf.tidy(() => tf.abs(tf.sub(base, other)).max(2).reshape([length]));
      const values = changed.dataSync();
      const positions = [...values.keys()].filter((t) => values[t]! > 1e-6);
      expect(positions[0]).toBe(frame * hop);
      // Every sample of the frame reads it.
      expect(positions.slice(0, hop)).toEqual([0, 1, 2, 3].map((i) => frame * hop + i));
      tf.dispose([other, changed]);
    }
    base.dispose();
    expect(() => wavenet.logits(ids)).toThrow(
      /locally conditioned \(2 control features\): pass controls \[1,24,2\]/,
    );
    expect(() =>
      tf.tidy(() => wavenet.logits(ids, undefined, tf.zeros([1, 24, 3]) as tf.Tensor3D)),
    ).toThrow(/controls must be \[1,24,2\]/);
    const plain = createWavenet(tiny);
    expect(() =>
      tf.tidy(() => plain.logits(ids, undefined, tf.zeros([1, 24, 2]) as tf.Tensor3D)),
    ).toThrow(/no local conditioning \(controls: 0\)/);
    ids.dispose();
    plain.dispose();
    wavenet.dispose();
  });

  it('uses the controls: a locally conditioned model learns levels from the controls alone, leak-free', async () => {
    // Rows with control +1 hold 0.5, rows with −1 hold −0.5; at t = 0 only the controls tell.
    const batches = Array.from({ length: 40 }, () =>
      tf.tidy(() => ({
        audio: tf.concat([tf.fill([4, 16, 1], 0.5), tf.fill([4, 16, 1], -0.5)]) as tf.Tensor3D,
        controls: tf.concat([tf.fill([4, 4, 1], 1), tf.fill([4, 4, 1], -1)]) as tf.Tensor3D,
      })),
    );
    const objective = createWavenetObjective({
      wavenet: { ...tiny, controls: 1, controlHop: 4 },
      cropLength: 12,
    });
    expect(Object.keys(objective.heads ?? {})).toEqual(['output', 'controls']);
    // The loss (core runs it inside its gradient tape's tidy) keeps nothing alive.
    await expectNoTensorLeak(() => {
      tf.tidy(() => {
        objective.doLoss(batches[0]!, { step: 0, seed: 3, training: true });
      });
    });
    await pretrain(objective, batches, {
      steps: 40,
      learningRate: 3e-2,
      schedule: 'constant',
      seed: 1,
    });
    const expected = muLawEncode(Float32Array.of(0.5, -0.5));
    const levels = tf.tidy(() =>
      objective.wavenet
        .logits(tf.tensor2d([0, 0], [2, 1], 'int32'), undefined, tf.tensor3d([1, -1], [2, 1, 1]))
        .argMax(2)
        .reshape([2]),
    );
    expect([...levels.dataSync()]).toEqual([...expected]);
    levels.dispose();
    const short = {
      audio: tf.zeros([1, 16, 1]) as tf.Tensor3D,
      controls: tf.zeros([1, 3, 1]) as tf.Tensor3D,
    };
    expect(() => objective.doLoss(short, { step: 0, seed: 1, training: true })).toThrow(
      /cover 3 frames × 4 samples, fewer than the clip's 16/,
    );
    tf.dispose([short.audio, short.controls]);
    objective.dispose();
  });
});
