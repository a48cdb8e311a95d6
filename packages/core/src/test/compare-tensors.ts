import * as tf from '@tensorflow/tfjs';

/** Tolerances of {@link expectTensorsClose}. */
export type CloseOptions = {
  /** Bound on ‖actual − expected‖ / ‖expected‖. @default 1e-4 */
  readonly relativeNorm?: number;
  /** Elementwise: |a − e| ≤ atol + rtol·|e|. @default 1e-3 */
  readonly rtol?: number;
  /** @default 1e-5 */
  readonly atol?: number;
  /** Label used in the error message. */
  readonly label?: string;
};

type Values = tf.Tensor | ArrayLike<number>;

function toArray(values: Values): Float64Array {
  if (values instanceof tf.Tensor) return Float64Array.from(values.dataSync());
  return Float64Array.from(values);
}

/**
 * Throws unless two tensors (or arrays) agree in relative norm and elementwise
 * (`|a − e| ≤ atol + rtol·|e|`). Shapes must match when both are tensors.
 */
export function expectTensorsClose(
  actual: Values,
  expected: Values,
  options: CloseOptions = {},
): void {
  const { relativeNorm = 1e-4, rtol = 1e-3, atol = 1e-5, label = 'tensor' } = options;
  if (actual instanceof tf.Tensor && expected instanceof tf.Tensor) {
    if (!tf.util.arraysEqual(actual.shape, expected.shape)) {
      throw new Error(
        `${label}: shape ${JSON.stringify(actual.shape)} != ${JSON.stringify(expected.shape)}`,
      );
    }
  }
  const a = toArray(actual);
  const e = toArray(expected);
  if (a.length !== e.length) throw new Error(`${label}: ${a.length} values != ${e.length}`);
  let difference = 0;
  let norm = 0;
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - e[i]!;
    if (!Number.isFinite(a[i]!)) throw new Error(`${label}: value ${i} is ${a[i]}`);
    difference += d * d;
    norm += e[i]! * e[i]!;
    const excess = Math.abs(d) - (atol + rtol * Math.abs(e[i]!));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  const relative = Math.sqrt(difference) / Math.max(Math.sqrt(norm), 1e-12);
  if (relative > relativeNorm && Math.sqrt(difference) > atol) {
    throw new Error(`${label}: ‖a − e‖/‖e‖ = ${relative.toExponential(3)} > ${relativeNorm}`);
  }
  if (worst >= 0) {
    throw new Error(
      `${label}: element ${worst} is ${a[worst]} but expected ${e[worst]} (rtol ${rtol}, atol ${atol})`,
    );
  }
}

/**
 * Runs `compute` on the 'cpu' backend and on `backend` (default 'wasm'), and returns both
 * results as plain arrays, so a test can assert that selfsup's kernels agree with tfjs-cpu.
 * `compute` must build its own inputs from seeds or arrays (tensors are backend-bound).
 */
export async function computeOnBackends(
  compute: () => tf.Tensor | tf.Tensor[],
  backend = 'wasm',
): Promise<{ reference: Float32Array[]; actual: Float32Array[] }> {
  const previous = tf.getBackend();
  const run = async (name: string): Promise<Float32Array[]> => {
    await tf.setBackend(name);
    const outputs = tf.tidy(() => {
      const result = compute();
      return Array.isArray(result) ? result : [result];
    });
    const arrays = outputs.map((tensor) => Float32Array.from(tensor.dataSync()));
    tf.dispose(outputs);
    return arrays;
  };
  try {
    const reference = await run('cpu');
    const actual = await run(backend);
    return { reference, actual };
  } finally {
    await tf.setBackend(previous);
  }
}
