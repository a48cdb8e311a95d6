import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { SeededRandom } from '../random/seeded-random';
import { computeOnBackends, expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { addBias, sumOverRows } from './bias-add';
import { DilatedCausalConv1D, dilatedCausalConv1d } from './dilated-causal-conv1d';
import { LayerNormalization, layerNormalize } from './layer-normalization';
import { MultiHeadAttention } from './multi-head-attention';
import { PatchEmbedding, patchify, unpatchify } from './patch-embedding';
import { PositionEmbedding } from './position-embedding';
import { registerSequenceLayers } from './register-sequence-layers';
import { DropoutStream, dropoutMask, SeededDropout } from './seeded-dropout';
import { TokenEmbedding } from './token-embedding';
import { gelu, TransformerBlock } from './transformer-block';

/** Seeded normal values, the same on every backend. */
function seededValues(seed: number, size: number, scale = 0.5): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: size }, () => random.nextNormal() * scale);
}

function seededTensor(seed: number, shape: number[], scale = 0.5): tf.Tensor {
  return tf.tensor(seededValues(seed, tf.util.sizeFromShape(shape), scale), shape);
}

function seededIds(seed: number, shape: number[], vocabularySize: number): tf.Tensor {
  const random = new SeededRandom(seed);
  const size = tf.util.sizeFromShape(shape);
  return tf.tensor(
    Int32Array.from({ length: size }, () => random.nextInt(vocabularySize)),
    shape,
    'int32',
  );
}

/** Replaces every weight of a built layer with seeded values. */
function setSeededWeights(layer: tf.layers.Layer, seed: number): void {
  const replacements = layer
    .getWeights()
    .map((weight, index) => seededTensor(seed + index, weight.shape, 0.3));
  layer.setWeights(replacements);
  tf.dispose(replacements);
}

/**
 * Builds the layer on the current backend with seeded weights, and returns its output, the
 * gradient w.r.t. a float input (when `differentiableInput`) and the gradients w.r.t. every weight
 * of `sum(output · probe)`.
 */
function forwardAndGradients(
  makeLayer: () => tf.layers.Layer,
  makeInput: () => tf.Tensor,
  differentiableInput: boolean,
  kwargs: Record<string, unknown> = {},
): tf.Tensor[] {
  const layer = makeLayer();
  const input = makeInput();
  const built = layer.apply(input, kwargs) as tf.Tensor;
  setSeededWeights(layer, 1000);
  const probe = seededTensor(77, built.shape, 1);
  const objective = (x: tf.Tensor) =>
    tf.sum(tf.mul(layer.apply(x, kwargs) as tf.Tensor, probe)) as tf.Scalar;
  const output = layer.apply(input, kwargs) as tf.Tensor;
  const variables = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => objective(input), variables);
  const results = [output, ...variables.map((variable) => grads[variable.name] as tf.Tensor)];
  if (differentiableInput) results.push(tf.grad(objective)(input));
  const kept = results.map((tensor) => tensor.clone());
  layer.dispose();
  return kept;
}

async function expectWasmMatchesCpu(compute: () => tf.Tensor[], label: string): Promise<void> {
  const { reference, actual } = await computeOnBackends(compute);
  expect(actual.length).toBe(reference.length);
  reference.forEach((expected, index) => {
    expectTensorsClose(actual[index] as Float32Array, expected, { label: `${label} [${index}]` });
  });
}

/** Applies a layer forward and backward on wasm and checks that no tensor is left behind. */
async function expectLayerDoesNotLeak(
  makeLayer: () => tf.layers.Layer,
  makeInput: () => tf.Tensor,
  kwargs: Record<string, unknown> = {},
): Promise<void> {
  const layer = makeLayer();
  const input = makeInput();
  tf.dispose(layer.apply(input, kwargs) as tf.Tensor); // builds the weights (and caches masks)
  const variables = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
  await expectNoTensorLeak(() => {
    tf.tidy(() => layer.apply(input, kwargs) as tf.Tensor).dispose();
    const { value, grads } = tf.variableGrads(
      () => tf.sum(layer.apply(input, kwargs) as tf.Tensor) as tf.Scalar,
      variables,
    );
    value.dispose();
    tf.dispose(grads);
  });
  input.dispose();
  layer.dispose();
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('TokenEmbedding', () => {
  const make = () => new TokenEmbedding({ vocabularySize: 11, embeddingSize: 6 });
  const ids = () => seededIds(3, [2, 5], 11);

  it('looks up rows of the table: [B, T] → [B, T, D]', () => {
    const layer = make();
    const input = ids();
    const output = layer.apply(input) as tf.Tensor;
    expect(output.shape).toEqual([2, 5, 6]);
    const table = layer.getEmbeddings();
    const expected = tf.gather(table, input.reshape([-1])).reshape([2, 5, 6]);
    expectTensorsClose(output, expected);
    tf.dispose([input, output, expected]);
    layer.dispose();
  });

  it('forward and table gradient on wasm equal cpu', async () => {
    await expectWasmMatchesCpu(() => forwardAndGradients(make, ids, false), 'token embedding');
  });

  it('does not leak tensors', async () => {
    await expectLayerDoesNotLeak(make, ids);
  });
});

describe('PositionEmbedding', () => {
  const make = () => new PositionEmbedding({ maxLength: 8, embeddingSize: 6 });
  const input = () => seededTensor(4, [2, 5, 6]);

  it('adds the first T rows, or rows from an offset', () => {
    const layer = make();
    const x = input();
    const output = layer.apply(x) as tf.Tensor;
    const table = layer.getPositions();
    expectTensorsClose(output, x.add(table.slice([0, 0], [5, 6])));
    const shifted = layer.addPositions(x, 3);
    expectTensorsClose(shifted, x.add(table.slice([3, 0], [5, 6])));
    expect(() => layer.addPositions(x, 4)).toThrow(/exceed maxLength 8/);
    tf.dispose([x, output, shifted]);
    layer.dispose();
  });

  it('forward and gradients on wasm equal cpu', async () => {
    await expectWasmMatchesCpu(() => forwardAndGradients(make, input, true), 'position embedding');
  });

  it('does not leak tensors', async () => {
    await expectLayerDoesNotLeak(make, input);
  });
});

describe('LayerNormalization', () => {
  const make = () => new LayerNormalization();
  const input = () => seededTensor(5, [2, 3, 8], 2);

  it('its hand-written gradient equals autodiff of the textbook formula', () => {
    tf.tidy(() => {
      const x = seededTensor(6, [4, 8], 2);
      const gamma = seededTensor(7, [8]);
      const beta = seededTensor(8, [8]);
      const probe = seededTensor(9, [4, 8]);
      const textbook = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, -1, true);
        return a.sub(mean).div(variance.add(1e-5).sqrt()).mul(g).add(b);
      };
      const lossOf = (f: typeof textbook) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        f(a, g, b).mul(probe).sum();
      expectTensorsClose(layerNormalize(x, gamma, beta), textbook(x, gamma, beta));
      const expected = tf.grads(lossOf(textbook))([x, gamma, beta]);
      const actual = tf.grads(lossOf(layerNormalize))([x, gamma, beta]);
      actual.forEach((gradient, index) => {
        expectTensorsClose(gradient, expected[index] as tf.Tensor, { label: `dLN ${index}` });
      });
    });
  });

  it('forward and gradients on wasm equal cpu', async () => {
    await expectWasmMatchesCpu(() => forwardAndGradients(make, input, true), 'layer norm');
  });

  it('does not leak tensors', async () => {
    await expectLayerDoesNotLeak(make, input);
  });
});

describe('addBias and sumOverRows', () => {
  it('equal tf.add / tf.sum and their gradients, on wasm as on cpu', async () => {
    const compute = () => {
      const x = seededTensor(30, [7, 5]) as tf.Tensor2D;
      const bias = seededTensor(31, [5]);
      const probe = seededTensor(32, [7, 5]);
      const loss =
        (add: (a: tf.Tensor2D, b: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) =>
          add(a as tf.Tensor2D, b)
            .mul(probe)
            .sum();
      const actual = tf.grads(loss(addBias))([x, bias]);
      const expected = tf.grads(loss((a, b) => tf.add(a, b)))([x, bias]);
      actual.forEach((gradient, index) => {
        expectTensorsClose(gradient, expected[index] as tf.Tensor);
      });
      expectTensorsClose(sumOverRows(x), x.sum(0));
      return [addBias(x, bias), sumOverRows(x), ...actual];
    };
    await expectWasmMatchesCpu(compute, 'addBias');
    expect(() => addBias(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2]))).toThrow(/bias \[D\]/);
  });

  it('do not leak tensors', async () => {
    const x = seededTensor(33, [4, 3]) as tf.Tensor2D;
    const bias = seededTensor(34, [3]);
    await expectNoTensorLeak(() => {
      tf.dispose(
        tf.grads((a: tf.Tensor, b: tf.Tensor) => addBias(a as tf.Tensor2D, b).sum())([x, bias]),
      );
      tf.dispose(sumOverRows(x));
    });
    tf.dispose([x, bias]);
  });
});

describe('gelu', () => {
  it('matches the tanh formula and its autodiff gradient', () => {
    tf.tidy(() => {
      const x = seededTensor(10, [50], 3);
      const formula = (a: tf.Tensor) =>
        a
          .pow(3)
          .mul(0.044715)
          .add(a)
          .mul(Math.sqrt(2 / Math.PI))
          .tanh()
          .add(1)
          .mul(a)
          .mul(0.5);
      expectTensorsClose(gelu(x), formula(x));
      expectTensorsClose(tf.grad(gelu)(x), tf.grad(formula)(x));
    });
  });

  it('is the same on wasm as on cpu, forward and backward, without leaks', async () => {
    await expectWasmMatchesCpu(() => {
      const x = seededTensor(35, [40], 3);
      return [gelu(x), tf.grad(gelu)(x)];
    }, 'gelu');
    const x = seededTensor(36, [8]);
    await expectNoTensorLeak(() => tf.dispose(tf.grad(gelu)(x)));
    x.dispose();
  });
});

for (const causal of [true, false]) {
  describe(`MultiHeadAttention (${causal ? 'causal' : 'bidirectional'})`, () => {
    const make = () => new MultiHeadAttention({ heads: 2, causal });
    const input = () => seededTensor(11, [2, 5, 8]);

    it('forward and gradients on wasm equal cpu', async () => {
      await expectWasmMatchesCpu(() => forwardAndGradients(make, input, true), 'attention');
    });

    it(causal ? 'position t ignores inputs after t' : 'position t sees inputs after t', () => {
      const layer = make();
      tf.tidy(() => {
        const x = input();
        const changed = tf.concat([x.slice([0, 0, 0], [2, 3, 8]), seededTensor(12, [2, 2, 8])], 1);
        const before = (layer.apply(x) as tf.Tensor).slice([0, 0, 0], [2, 3, 8]);
        const after = (layer.apply(changed) as tf.Tensor).slice([0, 0, 0], [2, 3, 8]);
        const difference = tf.abs(before.sub(after)).max().dataSync()[0] as number;
        if (causal) expect(difference).toBeLessThan(1e-6);
        else expect(difference).toBeGreaterThan(1e-4);
      });
      layer.dispose();
    });

    it('does not leak tensors', async () => {
      await expectLayerDoesNotLeak(make, input);
    });
  });
}

describe('TransformerBlock', () => {
  const make = () => new TransformerBlock({ heads: 2, causal: true, mlpSize: 12 });
  const input = () => seededTensor(13, [2, 4, 8]);

  it('forward and gradients on wasm equal cpu', async () => {
    await expectWasmMatchesCpu(() => forwardAndGradients(make, input, true), 'transformer block');
  });

  it('cached keys/values give the same outputs as the full pass', () => {
    const layer = make();
    tf.tidy(() => {
      const x = input();
      tf.dispose(layer.apply(x) as tf.Tensor);
      const full = layer.forward(x, { training: false });
      const first = layer.forward(x.slice([0, 0, 0], [2, 3, 8]), { training: false });
      const second = layer.forward(x.slice([0, 3, 0], [2, 1, 8]), {
        training: false,
        past: { keys: first.keys, values: first.values },
      });
      expectTensorsClose(tf.concat([first.output, second.output], 1), full.output, { atol: 1e-5 });
      expectTensorsClose(second.keys, full.keys);
    });
    layer.dispose();
  });

  it('dropout is reproducible per call index and differs between calls', () => {
    const run = () => {
      const layer = new TransformerBlock({ heads: 2, mlpSize: 12, dropout: 0.3, seed: 5 });
      const x = input();
      const outputs = [0, 1].map(() => layer.apply(x, { training: true }) as tf.Tensor);
      const inference = layer.apply(x, { training: false }) as tf.Tensor;
      const values = [...outputs, inference].map((tensor) => Array.from(tensor.dataSync()));
      tf.dispose([x, ...outputs, inference]);
      layer.dispose();
      return values;
    };
    const [first, second] = [run(), run()];
    expect(first).toEqual(second);
    expect(first[0]).not.toEqual(first[1]);
  });

  it('does not leak tensors', async () => {
    await expectLayerDoesNotLeak(make, input, { training: true });
  });
});

describe('SeededDropout', () => {
  it('draws a new, reproducible mask per call and scales kept values', () => {
    tf.tidy(() => {
      const x = tf.ones([1000]);
      const draw = () => {
        const layer = new SeededDropout({ rate: 0.25, seed: 3 });
        return [0, 1].map(() =>
          Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync()),
        );
      };
      const [first, second] = [draw(), draw()];
      expect(first).toEqual(second);
      expect(first[0]).not.toEqual(first[1]);
      const values = first[0] as number[];
      expect(new Set(values.map((value) => value.toFixed(4)))).toEqual(
        new Set(['0.0000', (1 / 0.75).toFixed(4)]),
      );
      const dropped = values.filter((value) => value === 0).length / values.length;
      expect(dropped).toBeGreaterThan(0.18);
      expect(dropped).toBeLessThan(0.32);
      const layer = new SeededDropout({ rate: 0.25, seed: 3 });
      expect(Array.from((layer.apply(x, { training: false }) as tf.Tensor).dataSync())).toEqual(
        Array.from(x.dataSync()),
      );
    });
  });

  it('rejects a rate outside [0, 1)', () => {
    expect(() => new DropoutStream(1, 0)).toThrow(/\[0, 1\)/);
  });

  it('dropoutMask drops the rate to within 0.005 over 10^5 values, keeps the rest scaled, and is seeded', () => {
    for (const rate of [0.1, 0.5]) {
      const mask = dropoutMask(100_000, rate, 11);
      let dropped = 0;
      for (const value of mask) {
        if (value === 0) dropped += 1;
        else expect(value).toBeCloseTo(1 / (1 - rate), 6);
      }
      expect(Math.abs(dropped / mask.length - rate)).toBeLessThan(0.005);
      expect(dropoutMask(100_000, rate, 11)).toEqual(mask);
      expect(dropoutMask(100_000, rate, 12)).not.toEqual(mask);
    }
    expect(dropoutMask(1000, 0, 1).every((value) => value === 1)).toBe(true);
  });

  it('does not leak tensors', async () => {
    const layer = new SeededDropout({ rate: 0.5, seed: 1 });
    const x = tf.ones([4, 4]);
    await expectNoTensorLeak(() => tf.dispose(layer.apply(x, { training: true }) as tf.Tensor));
    x.dispose();
  });
});

describe('PatchEmbedding', () => {
  const make = () => new PatchEmbedding({ patchSize: 2, embeddingSize: 5, classToken: true });
  const images = () => seededTensor(14, [2, 4, 6, 3]);

  it('patchify cuts row-major patches and unpatchify inverts it', () => {
    tf.tidy(() => {
      const x = images();
      const patches = patchify(x, 2);
      expect(patches.shape).toEqual([2, 6, 12]);
      // patch 4 = row 1, column 1: pixels (2..3, 2..3)
      expectTensorsClose(
        patches.slice([1, 4, 0], [1, 1, 12]).reshape([12]),
        x.slice([1, 2, 2, 0], [1, 2, 2, 3]).reshape([12]),
      );
      expectTensorsClose(unpatchify(patches, 2, [4, 6, 3]), x);
      expect(() => patchify(x, 4)).toThrow(/must divide/);
    });
  });

  it('forward and gradients on wasm equal cpu', async () => {
    await expectWasmMatchesCpu(() => forwardAndGradients(make, images, true), 'patch embedding');
  });

  it('does not leak tensors', async () => {
    await expectLayerDoesNotLeak(make, images);
  });
});

describe('DilatedCausalConv1D', () => {
  const make = () => new DilatedCausalConv1D({ filters: 4, kernelSize: 3, dilationRate: 2 });
  const input = () => seededTensor(15, [2, 9, 3]);

  it('equals tf.conv1d with dilation on cpu and keeps the length', async () => {
    const previous = tf.getBackend();
    await tf.setBackend('cpu');
    tf.tidy(() => {
      const x = input();
      const kernel = seededTensor(16, [3, 3, 4]) as tf.Tensor3D;
      const bias = seededTensor(17, [4]) as tf.Tensor1D;
      const output = dilatedCausalConv1d(x, kernel, bias, 2);
      const padded = tf.pad(x, [
        [0, 0],
        [4, 0],
        [0, 0],
      ]) as tf.Tensor3D;
      const reference = tf.conv1d(padded, kernel, 1, 'valid', 'NWC', 2).add(bias);
      expect(output.shape).toEqual([2, 9, 4]);
      expectTensorsClose(output, reference);
    });
    await tf.setBackend(previous);
  });

  it('is strictly causal', () => {
    const layer = make();
    tf.tidy(() => {
      const x = input();
      for (const t of [0, 4, 7]) {
        const changed = tf.concat(
          [x.slice([0, 0, 0], [2, t + 1, 3]), seededTensor(18, [2, 8 - t, 3])],
          1,
        );
        const before = (layer.apply(x) as tf.Tensor).slice([0, 0, 0], [2, t + 1, 4]);
        const after = (layer.apply(changed) as tf.Tensor).slice([0, 0, 0], [2, t + 1, 4]);
        expect(tf.abs(before.sub(after)).max().dataSync()[0]).toBe(0);
      }
    });
    layer.dispose();
  });

  it('forward and gradients on wasm equal cpu', async () => {
    await expectWasmMatchesCpu(
      () => forwardAndGradients(make, input, true),
      'dilated causal conv1d',
    );
  });

  it('does not leak tensors', async () => {
    await expectLayerDoesNotLeak(make, input);
  });
});

describe('registerSequenceLayers', () => {
  it('lets tf.loadLayersModel rebuild a model of every sequence layer with identical outputs', async () => {
    registerSequenceLayers();
    registerSequenceLayers(); // idempotent
    const ids = tf.input({ shape: [6], dtype: 'int32' });
    let x = new TokenEmbedding({ vocabularySize: 9, embeddingSize: 8 }).apply(
      ids,
    ) as tf.SymbolicTensor;
    x = new PositionEmbedding({ maxLength: 6, embeddingSize: 8 }).apply(x) as tf.SymbolicTensor;
    x = new SeededDropout({ rate: 0.1, seed: 2 }).apply(x) as tf.SymbolicTensor;
    x = new MultiHeadAttention({ heads: 2, causal: true }).apply(x) as tf.SymbolicTensor;
    x = new TransformerBlock({ heads: 2, mlpSize: 16 }).apply(x) as tf.SymbolicTensor;
    x = new DilatedCausalConv1D({ filters: 8, kernelSize: 2, dilationRate: 2 }).apply(
      x,
    ) as tf.SymbolicTensor;
    x = new LayerNormalization().apply(x) as tf.SymbolicTensor;
    const images = tf.input({ shape: [4, 4, 1] });
    const patches = new PatchEmbedding({ patchSize: 2, embeddingSize: 8, classToken: true }).apply(
      images,
    );
    const model = tf.model({ inputs: [ids, images], outputs: [x, patches as tf.SymbolicTensor] });
    model.layers.forEach((layer, index) => {
      if (layer.countParams() > 0) setSeededWeights(layer, 100 * index);
    });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(JSON.stringify(saved?.modelTopology)).toContain(
      '"class_name":"SelfsupTransformerBlock"',
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    const inputs = [seededIds(19, [2, 6], 9), seededTensor(20, [2, 4, 4, 1])];
    const expected = model.predict(inputs) as tf.Tensor[];
    const actual = loaded.predict(inputs) as tf.Tensor[];
    actual.forEach((tensor, index) => {
      expect(Array.from(tensor.dataSync())).toEqual(
        Array.from((expected[index] as tf.Tensor).dataSync()),
      );
    });
    tf.dispose([...inputs, ...expected, ...actual]);
    model.dispose();
    loaded.dispose();
  });
});
