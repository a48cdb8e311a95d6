import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend/init-backend';
import { computeOnBackends, expectTensorsClose } from '../../test/compare-tensors';
import { expectNoTensorLeak } from '../../test/expect-no-tensor-leak';
import { createAdam } from './adam';
import { createAdamW } from './adamw';
import { createOptimizer } from './create-optimizer';
import { createLars } from './lars';
import type { Optimizer, TrainableParameter } from './optimizer';
import { createSgd } from './sgd';

// A kernel [2, 2] and a bias [2], two steps with fixed gradients.
const initialKernel = [0.5, -1.25, 2, 0.75];
const initialBias = [0.1, -0.2];
const kernelGradients = [
  [0.3, -0.1, 0.05, 0.8],
  [-0.2, 0.4, 0.1, -0.6],
];
const biasGradients = [
  [0.02, -0.5],
  [0.3, 0.1],
];
const learningRates = [0.1, 0.05];

type Reference = (
  weight: number[],
  gradient: number[],
  state: Record<string, number[]>,
  step: number,
  learningRate: number,
  decays: boolean,
) => number[];

function runReference(update: Reference): { kernel: number[]; bias: number[] } {
  const kernel = [...initialKernel];
  const bias = [...initialBias];
  const kernelState: Record<string, number[]> = {};
  const biasState: Record<string, number[]> = {};
  let newKernel = kernel;
  let newBias = bias;
  for (let step = 0; step < 2; step++) {
    newKernel = update(
      newKernel,
      kernelGradients[step] as number[],
      kernelState,
      step + 1,
      learningRates[step] as number,
      true,
    );
    newBias = update(
      newBias,
      biasGradients[step] as number[],
      biasState,
      step + 1,
      learningRates[step] as number,
      false,
    );
  }
  return { kernel: newKernel, bias: newBias };
}

function runOptimizer(optimizer: Optimizer): { kernel: Float32Array; bias: Float32Array } {
  const kernel = tf.tidy(() =>
    tf.variable(tf.tensor2d(initialKernel, [2, 2]), true, 'optimizer_test_kernel'),
  );
  const bias = tf.tidy(() => tf.variable(tf.tensor1d(initialBias), true, 'optimizer_test_bias'));
  const parameters: TrainableParameter[] = [
    { key: 'model/0', name: 'dense/kernel', variable: kernel },
    { key: 'model/1', name: 'dense/bias', variable: bias },
  ];
  for (let step = 0; step < 2; step++) {
    const gradients = {
      'model/0': tf.tensor2d(kernelGradients[step] as number[], [2, 2]),
      'model/1': tf.tensor1d(biasGradients[step] as number[]),
    };
    optimizer.applyGradients(parameters, gradients, learningRates[step] as number);
    tf.dispose(gradients);
  }
  const result = {
    kernel: kernel.dataSync() as Float32Array,
    bias: bias.dataSync() as Float32Array,
  };
  kernel.dispose();
  bias.dispose();
  optimizer.dispose();
  return result;
}

function adamReference(
  beta1: number,
  beta2: number,
  epsilon: number,
  weightDecay: number,
  decoupled: boolean,
): Reference {
  return (weight, gradient, state, step, learningRate, decays) => {
    const m = state.m ?? weight.map(() => 0);
    const v = state.v ?? weight.map(() => 0);
    const next = weight.map((w, i) => {
      const g = (gradient[i] as number) + (decays && !decoupled ? weightDecay * w : 0);
      m[i] = beta1 * (m[i] as number) + (1 - beta1) * g;
      v[i] = beta2 * (v[i] as number) + (1 - beta2) * g * g;
      const mHat = (m[i] as number) / (1 - beta1 ** step);
      const vHat = (v[i] as number) / (1 - beta2 ** step);
      const decayed = decays && decoupled ? w * (1 - learningRate * weightDecay) : w;
      return decayed - (learningRate * mHat) / (Math.sqrt(vHat) + epsilon);
    });
    state.m = m;
    state.v = v;
    return next;
  };
}

function sgdReference(momentum: number, nesterov: boolean, weightDecay: number): Reference {
  return (weight, gradient, state, _step, learningRate, decays) => {
    const buffer = state.buffer ?? weight.map(() => 0);
    const next = weight.map((w, i) => {
      const g = (gradient[i] as number) + (decays ? weightDecay * w : 0);
      buffer[i] = momentum * (buffer[i] as number) + g;
      const direction = nesterov ? g + momentum * (buffer[i] as number) : (buffer[i] as number);
      return w - learningRate * direction;
    });
    state.buffer = buffer;
    return next;
  };
}

function larsReference(momentum: number, weightDecay: number, trustCoefficient: number): Reference {
  return (weight, gradient, state, _step, learningRate, adapts) => {
    const velocity = state.velocity ?? weight.map(() => 0);
    const g = weight.map((w, i) => (gradient[i] as number) + (adapts ? weightDecay * w : 0));
    const weightNorm = Math.sqrt(weight.reduce((sum, w) => sum + w * w, 0));
    const gradientNorm = Math.sqrt(g.reduce((sum, value) => sum + value * value, 0));
    const trust =
      adapts && weightNorm > 0 && gradientNorm > 0
        ? (trustCoefficient * weightNorm) / gradientNorm
        : 1;
    const next = weight.map((w, i) => {
      velocity[i] = momentum * (velocity[i] as number) + learningRate * trust * (g[i] as number);
      return w - (velocity[i] as number);
    });
    state.velocity = velocity;
    return next;
  };
}

const close = { rtol: 1e-5, atol: 1e-7, relativeNorm: 1e-5 };

describe('optimizers (two steps against plain-JS references)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  const cases: [string, () => Optimizer, Reference][] = [
    [
      'adam',
      () => createAdam({ beta1: 0.8, beta2: 0.9, epsilon: 1e-6 }),
      adamReference(0.8, 0.9, 1e-6, 0, false),
    ],
    [
      'adam with L2',
      () => createAdam({ weightDecay: 0.1 }),
      adamReference(0.9, 0.999, 1e-8, 0.1, false),
    ],
    [
      'adamw',
      () => createAdamW({ weightDecay: 0.2, beta2: 0.95 }),
      adamReference(0.9, 0.95, 1e-8, 0.2, true),
    ],
    ['sgd momentum', () => createSgd({ momentum: 0.9 }), sgdReference(0.9, false, 0)],
    [
      'sgd nesterov + decay',
      () => createSgd({ momentum: 0.8, nesterov: true, weightDecay: 0.05 }),
      sgdReference(0.8, true, 0.05),
    ],
    [
      'lars',
      () => createLars({ momentum: 0.9, weightDecay: 0.01, trustCoefficient: 0.02 }),
      larsReference(0.9, 0.01, 0.02),
    ],
  ];

  for (const [name, create, reference] of cases) {
    it(`${name} matches the reference and leaks nothing`, async () => {
      const expected = runReference(reference);
      let actual: { kernel: Float32Array; bias: Float32Array } | undefined;
      await expectNoTensorLeak(() => {
        actual = runOptimizer(create());
      });
      expectTensorsClose(actual?.kernel ?? [], expected.kernel, {
        ...close,
        label: `${name} kernel`,
      });
      expectTensorsClose(actual?.bias ?? [], expected.bias, { ...close, label: `${name} bias` });
    });
  }

  it('adamw decays everything with excludeFromWeightDecay: none, and by name with a RegExp', () => {
    const all = runOptimizer(createAdamW({ weightDecay: 0.2, excludeFromWeightDecay: 'none' }));
    const byName = runOptimizer(
      createAdamW({ weightDecay: 0.2, excludeFromWeightDecay: /kernel/ }),
    );
    const referenceAll = (() => {
      const update = adamReference(0.9, 0.999, 1e-8, 0.2, true);
      const state: Record<string, number[]> = {};
      let bias = [...initialBias];
      for (let step = 0; step < 2; step++)
        bias = update(
          bias,
          biasGradients[step] as number[],
          state,
          step + 1,
          learningRates[step] as number,
          true,
        );
      return bias;
    })();
    expectTensorsClose(all.bias, referenceAll, close);
    // With /kernel/ excluded, the kernel is plain Adam and the bias (rank 1) is decayed.
    expectTensorsClose(
      byName.kernel,
      runReference(adamReference(0.9, 0.999, 1e-8, 0, true)).kernel,
      close,
    );
    expectTensorsClose(byName.bias, referenceAll, close);
  });

  it('exports and imports its state so that a restored optimizer continues identically', async () => {
    const kernel = tf.tidy(() => tf.variable(tf.tensor2d(initialKernel, [2, 2])));
    const copy = tf.tidy(() => tf.variable(tf.tensor2d(initialKernel, [2, 2])));
    const parameter: TrainableParameter = { key: 'model/0', name: 'kernel', variable: kernel };
    const copyParameter: TrainableParameter = { key: 'model/0', name: 'kernel', variable: copy };
    const first = createAdamW();
    const gradient = { 'model/0': tf.tensor2d(kernelGradients[0] as number[], [2, 2]) };
    first.applyGradients([parameter], gradient, 0.1);
    first.applyGradients([copyParameter], gradient, 0.1);
    const state = first.getState();
    expect(Object.keys(state).sort()).toEqual(['iterations', 'model/0/m', 'model/0/v']);
    const second = createAdamW();
    second.setState(state);
    tf.dispose(state);
    expect(second.iterations).toBe(2);
    await expectNoTensorLeak(() => {
      first.applyGradients([parameter], gradient, 0.05);
      second.applyGradients([copyParameter], gradient, 0.05);
    });
    expect(Array.from(copy.dataSync())).toEqual(Array.from(kernel.dataSync()));
    tf.dispose([kernel, copy, gradient['model/0']]);
    first.dispose();
    second.dispose();
  });

  it('refuses a state of another shape and bad hyper-parameters with clear messages', () => {
    const optimizer = createSgd();
    const state = { iterations: tf.scalar(1, 'int32'), 'model/0/momentum': tf.zeros([3]) };
    optimizer.setState(state);
    tf.dispose(state);
    const kernel = tf.tidy(() => tf.variable(tf.zeros([2, 2])));
    const gradient = { 'model/0': tf.ones([2, 2]) };
    expect(() =>
      optimizer.applyGradients(
        [{ key: 'model/0', name: 'kernel', variable: kernel }],
        gradient,
        0.1,
      ),
    ).toThrow(/has shape \[3\] but 'kernel' has shape \[2,2\]/);
    expect(() => createAdam({ beta1: 1 })).toThrow(/beta1 must be a finite number in \[0, 1\)/);
    expect(() => createOptimizer('rmsprop' as 'adam')).toThrow(/Unknown optimizer 'rmsprop'/);
    expect(() => createSgd().setState({})).toThrow(/no scalar 'iterations'/);
    tf.dispose([kernel, gradient['model/0']]);
    optimizer.dispose();
  });

  it('gives the same AdamW step on wasm as on cpu', async () => {
    const { reference, actual } = await computeOnBackends(() => {
      const weight = tf.tidy(() => tf.variable(tf.tensor2d(initialKernel, [2, 2])));
      const optimizer = createAdamW({ weightDecay: 0.1 });
      optimizer.applyGradients(
        [{ key: 'k', name: 'k', variable: weight }],
        { k: tf.tensor2d(kernelGradients[0] as number[], [2, 2]) },
        0.1,
      );
      const result = weight.clone();
      optimizer.dispose();
      weight.dispose();
      return result;
    });
    expectTensorsClose(actual[0] ?? [], reference[0] ?? [], { label: 'wasm vs cpu' });
  });
});
