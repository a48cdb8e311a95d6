import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateWavenet, type WavenetGeneration } from './generate-wavenet';
import { muLawDecode } from './mu-law';
import { createWavenet } from './wavenet';

describe('generateWavenet', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('cached (fast WaveNet) generation equals naive generation, past the receptive field, leak-free', async () => {
    for (const options of [
      { layers: 3, channels: 4, skipChannels: 8, dilationCycle: 2, classes: 3, seed: 7 },
      { layers: 2, channels: 4, skipChannels: 8, kernelSize: 3, seed: 8 },
    ]) {
      const wavenet = createWavenet(options);
      const samples = wavenet.receptiveField * 3 + 2;
      const common =
        options.classes === undefined
          ? { samples, seed: 11, count: 2 }
          : { samples, seed: 11, classId: [0, 2] };
      let cached: WavenetGeneration | undefined;
      let naive: WavenetGeneration | undefined;
      await expectNoTensorLeak(async () => {
        cached = await generateWavenet(wavenet, common);
        naive = await generateWavenet(wavenet, { ...common, mode: 'naive' });
      });
      expect(cached!.ids.length).toBe(2);
      expect(cached!.ids.map((clip) => [...clip])).toEqual(naive!.ids.map((clip) => [...clip]));
      // An untrained model samples near-uniformly: the sequences are informative, not constant.
      expect(new Set(cached!.ids[0]).size).toBeGreaterThan(samples / 3);
      expect([...cached!.audio[1]!]).toEqual([...muLawDecode(cached!.ids[1]!)]);
      wavenet.dispose();
    }
  });

  it('is seeded, and greedy at temperature 0', async () => {
    const wavenet = createWavenet({ layers: 2, channels: 4, skipChannels: 8, seed: 3 });
    const first = await generateWavenet(wavenet, { samples: 12, seed: 4 });
    const again = await generateWavenet(wavenet, { samples: 12, seed: 4 });
    const other = await generateWavenet(wavenet, { samples: 12, seed: 5 });
    expect([...first.ids[0]!]).toEqual([...again.ids[0]!]);
    expect([...first.ids[0]!]).not.toEqual([...other.ids[0]!]);
    const greedy = await generateWavenet(wavenet, { samples: 12, seed: 4, temperature: 0 });
    const greedyNaive = await generateWavenet(wavenet, {
      samples: 12,
      seed: 9,
      temperature: 0,
      mode: 'naive',
    });
    expect([...greedy.ids[0]!]).toEqual([...greedyNaive.ids[0]!]);
    wavenet.dispose();
  });

  it('draws from the nucleus: a tiny topP is greedy, topP 1 is plain sampling, cached equals naive, and the nucleus narrows the draws', async () => {
    const wavenet = createWavenet({ layers: 2, channels: 4, skipChannels: 8, classes: 2, seed: 3 });
    const common = { samples: 40, seed: 4, classId: [0, 1] };
    const greedy = await generateWavenet(wavenet, { ...common, temperature: 0 });
    const tiny = await generateWavenet(wavenet, { ...common, topP: 1e-6 });
    expect(tiny.ids.map((clip) => [...clip])).toEqual(greedy.ids.map((clip) => [...clip]));
    const plain = await generateWavenet(wavenet, common);
    const full = await generateWavenet(wavenet, { ...common, topP: 1 });
    expect(full.ids.map((clip) => [...clip])).toEqual(plain.ids.map((clip) => [...clip]));
    // At topP 0.5 the fast (cached) and the naive generation still draw the same samples.
    let nucleus: WavenetGeneration | undefined;
    await expectNoTensorLeak(async () => {
      nucleus = await generateWavenet(wavenet, { ...common, topP: 0.5, temperature: 0.8 });
    });
    const naive = await generateWavenet(wavenet, {
      ...common,
      topP: 0.5,
      temperature: 0.8,
      mode: 'naive',
    });
    expect(nucleus!.ids.map((clip) => [...clip])).toEqual(naive.ids.map((clip) => [...clip]));
    expect(nucleus!.ids.map((clip) => [...clip])).not.toEqual(plain.ids.map((clip) => [...clip]));
    // A nucleus of half the mass keeps few of the 256 levels: far fewer distinct draws than plain sampling.
    const distinct = (generation: WavenetGeneration) =>
      new Set(generation.ids.flatMap((clip) => [...clip])).size;
    expect(distinct(nucleus!)).toBeLessThan(distinct(plain));
    wavenet.dispose();
  });

  it('guides toward the class: guidance 1 is plain sampling, cached equals naive, greedy guided draws follow the guided distribution', async () => {
    const wavenet = createWavenet({ layers: 2, channels: 4, skipChannels: 8, classes: 3, seed: 5 });
    const common = { samples: 30, seed: 6, classId: [0, 2] };
    const plain = await generateWavenet(wavenet, common);
    const unguided = await generateWavenet(wavenet, { ...common, guidance: 1 });
    expect(unguided.ids.map((clip) => [...clip])).toEqual(plain.ids.map((clip) => [...clip]));
    let guided: WavenetGeneration | undefined;
    await expectNoTensorLeak(async () => {
      guided = await generateWavenet(wavenet, { ...common, guidance: 3 });
    });
    const naive = await generateWavenet(wavenet, { ...common, guidance: 3, mode: 'naive' });
    expect(guided!.ids.map((clip) => [...clip])).toEqual(naive.ids.map((clip) => [...clip]));
    expect(guided!.ids.map((clip) => [...clip])).not.toEqual(plain.ids.map((clip) => [...clip]));
    // Greedy: the first sample (empty past) is the argmax of 3·log p(x | c) − 2·log mean_k p(x | k).
    const greedy = await generateWavenet(wavenet, { ...common, guidance: 3, temperature: 0 });
    const expected = tf.tidy(() => {
      const logits = wavenet.logits(tf.zeros([3, 1], 'int32'), tf.tensor1d([0, 1, 2], 'int32'));
      const logProbabilities = tf.logSoftmax(logits.reshape([3, 256]));
      const average = tf.sub(tf.logSumExp(logProbabilities, 0), Math.log(3));
      const scores = tf.sub(tf.mul(logProbabilities, 3), tf.mul(average, 2));
      return Array.from(tf.argMax(scores, 1).dataSync());
    });
    expect([greedy.ids[0]![0], greedy.ids[1]![0]]).toEqual([expected[0], expected[2]]);
    wavenet.dispose();
  });

  it('follows local controls: cached equals naive (plain and guided), the controls steer the clip, leak-free', async () => {
    const wavenet = createWavenet({
      layers: 3,
      channels: 4,
      skipChannels: 8,
      dilationCycle: 2,
      classes: 2,
      controls: 2,
      controlHop: 5,
      seed: 4,
    });
    const samples = 3 * wavenet.receptiveField + 4;
    const frames = Math.ceil(samples / 5);
    const controls = [0, 1].map((clip) =>
      Float32Array.from({ length: 2 * frames }, (_, i) => Math.sin(0.7 * i + clip)),
    );
    for (const guidance of [1, 3]) {
      const common = { samples, seed: 6, classId: [1, 0], controls, guidance };
      let cached: WavenetGeneration | undefined;
      let naive: WavenetGeneration | undefined;
      await expectNoTensorLeak(async () => {
        cached = await generateWavenet(wavenet, common);
        naive = await generateWavenet(wavenet, { ...common, mode: 'naive' });
      });
      expect(cached!.ids.map((clip) => [...clip])).toEqual(naive!.ids.map((clip) => [...clip]));
    }
    // Other controls, same seed and classes: another clip (greedy, so only the model decides).
    const greedy = { samples, seed: 6, classId: [1, 1], temperature: 0 };
    const first = await generateWavenet(wavenet, {
      ...greedy,
      controls: [controls[0]!, controls[0]!],
    });
    const second = await generateWavenet(wavenet, {
      ...greedy,
      controls: [controls[0]!, controls[1]!],
    });
    expect([...second.ids[0]!]).toEqual([...first.ids[0]!]);
    expect([...second.ids[1]!]).not.toEqual([...first.ids[1]!]);
    await expect(generateWavenet(wavenet, { samples, classId: [0, 1] })).rejects.toThrow(
      /locally conditioned \(2 features per 5-sample frame\); pass controls/,
    );
    await expect(
      generateWavenet(wavenet, { samples, classId: [0, 1], controls: [controls[0]!] }),
    ).rejects.toThrow(/controls has 1 clips but 2 are generated/);
    await expect(
      generateWavenet(wavenet, { samples, classId: 0, controls: [controls[0]!.subarray(2)] }),
    ).rejects.toThrow(/controls\[0\] holds \d+ values; \d+ samples need at least/);
    const plain = createWavenet({ layers: 1, channels: 2, skipChannels: 2 });
    await expect(
      generateWavenet(plain, { samples: 4, controls: [new Float32Array(2)] }),
    ).rejects.toThrow(/no local conditioning/);
    plain.dispose();
    wavenet.dispose();
  });

  it('says what is wrong with bad options', async () => {
    const unconditional = createWavenet({ layers: 1, channels: 2, skipChannels: 2 });
    const conditional = createWavenet({ layers: 1, channels: 2, skipChannels: 2, classes: 2 });
    await expect(generateWavenet(unconditional, { samples: 4, classId: 1 })).rejects.toThrow(
      /unconditional/,
    );
    await expect(generateWavenet(conditional, { samples: 4 })).rejects.toThrow(/pass classId/);
    await expect(generateWavenet(conditional, { samples: 4, classId: 2 })).rejects.toThrow(
      /classId 2/,
    );
    await expect(generateWavenet(conditional, { samples: 0, classId: 0 })).rejects.toThrow(
      /samples/,
    );
    await expect(
      generateWavenet(conditional, { samples: 4, classId: 0, temperature: -1 }),
    ).rejects.toThrow(/temperature/);
    await expect(generateWavenet(conditional, { samples: 4, classId: 0, topP: 0 })).rejects.toThrow(
      /topP/,
    );
    await expect(
      generateWavenet(conditional, { samples: 4, classId: 0, guidance: 0.5 }),
    ).rejects.toThrow(/guidance must be/);
    await expect(generateWavenet(unconditional, { samples: 4, guidance: 2 })).rejects.toThrow(
      /guidance needs a class-conditional/,
    );
    unconditional.dispose();
    conditional.dispose();
  });
});
