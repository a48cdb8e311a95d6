import * as tf from '@tensorflow/tfjs';

/**
 * The vertical-stack convolution of Gated PixelCNN (van den Oord et al. 2016, "Conditional Image
 * Generation with PixelCNN Decoders", §2.2): output row `r` sees the `k/2` rows above it (and
 * row `r` itself when `includeCenterRow`), `k` columns wide.
 *
 * It equals a `k × k` masked convolution (mask rows below the centre, and the centre row for the
 * first layer) with the masked taps dropped rather than multiplied by zero: the input is padded
 * on top (and shifted down one row when the centre row is excluded) and convolved 'valid' with a
 * `[k/2 + 1, k]` (or `[k/2, k]`) kernel. Same result, a third fewer multiplications, and only ops
 * with gradients on every backend (pad, slice, conv2d).
 *
 * @param x input `[B, H, W, Cin]`
 * @param kernel `[rows, k, Cin, Cout]` with `k` odd and `rows = (k + 1) / 2` (centre row included) or `(k − 1) / 2` (excluded)
 * @param includeCenterRow whether row `r` of the input reaches output row `r` (false in the first layer: mask A)
 * @returns `[B, H, W, Cout]`
 * @example const features = verticalStackConv2d(images, kernel, false); // kernel [3, 7, 1, 64]
 */
export function verticalStackConv2d(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  includeCenterRow: boolean,
): tf.Tensor4D {
  const [rows, size] = kernel.shape;
  const half = (size - 1) / 2;
  if (!Number.isInteger(half) || half < 1 || rows !== (includeCenterRow ? half + 1 : half)) {
    throw new Error(
      `verticalStackConv2d needs a kernel [${includeCenterRow ? '(k + 1) / 2' : '(k − 1) / 2'}, k, Cin, Cout] with k odd ≥ 3, got ${JSON.stringify(kernel.shape)}.`,
    );
  }
  const height = x.shape[1];
  return tf.tidy(() => {
    const input = includeCenterRow ? x : x.slice([0, 0, 0, 0], [-1, height - 1, -1, -1]);
    const padded = tf.pad(input, [
      [0, 0],
      [half, 0],
      [half, half],
      [0, 0],
    ]);
    return tf.conv2d(padded, kernel, 1, 'valid');
  });
}

/**
 * The horizontal-stack convolution of Gated PixelCNN (van den Oord et al. 2016, §2.2): output
 * pixel `(r, c)` sees the `k/2` pixels left of it in row `r` (and `(r, c)` itself when
 * `includeCenter`).
 *
 * It equals a `1 × k` masked convolution (mask right of the centre, and the centre in the first
 * layer) with the masked taps dropped: left padding (and a one-column shift when the centre is
 * excluded) and a 'valid' convolution with a `[1, k/2 + 1]` (or `[1, k/2]`) kernel.
 *
 * @param x input `[B, H, W, Cin]`
 * @param kernel `[1, columns, Cin, Cout]`, `columns = (k + 1) / 2` (centre included) or `(k − 1) / 2`
 * @param includeCenter whether pixel `(r, c)` of the input reaches output `(r, c)` (false in the first layer: mask A)
 * @returns `[B, H, W, Cout]`
 * @example const features = horizontalStackConv2d(hidden, kernel, true); // kernel [1, 2, 32, 64]
 */
export function horizontalStackConv2d(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  includeCenter: boolean,
): tf.Tensor4D {
  const [rows, columns] = kernel.shape;
  if (rows !== 1 || columns < 1) {
    throw new Error(
      `horizontalStackConv2d needs a kernel [1, columns, Cin, Cout], got ${JSON.stringify(kernel.shape)}.`,
    );
  }
  const half = includeCenter ? columns - 1 : columns;
  const width = x.shape[2];
  return tf.tidy(() => {
    const input = includeCenter ? x : x.slice([0, 0, 0, 0], [-1, -1, width - 1, -1]);
    const padded = tf.pad(input, [
      [0, 0],
      [0, 0],
      [half, 0],
      [0, 0],
    ]);
    return tf.conv2d(padded, kernel, 1, 'valid');
  });
}

/**
 * `tanh(x)` as `2σ(2x) − 1`: the same function, but tfjs-wasm's `Tanh` kernel is scalar and ~10×
 * slower than its `Sigmoid` (measured on `[64, 28, 28, 32]`: 82 ms vs 40 ms for this form).
 *
 * @param x any tensor
 * @returns `tanh(x)`
 * @example fastTanh(tf.tensor([0, 1])) // [0, 0.7616]
 */
export function fastTanh<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.sigmoid(x.mul(2)).mul(2).sub(1) as T);
}

/**
 * The gated activation unit of Gated PixelCNN / WaveNet: `tanh(a) ⊙ σ(b)` where `[a, b]` are the
 * two halves of the last axis of `[N, 2C]` features.
 *
 * The halves are taken by products with constant `[2C, C]` selection matrices instead of
 * `tf.split`: on tfjs-wasm, splitting the last axis copies `N` runs of `C` floats one by one
 * (~57 ms for `[50176, 32]`) and its gradient is a `Concat` (~37 ms), while the two products and
 * their gradients are XNNPACK calls of a few ms.
 *
 * @param features `[N, 2C]`
 * @returns `[N, C]`
 * @example const gated = gatedActivation(features); // [N, 64] → [N, 32]
 */
export function gatedActivation(features: tf.Tensor2D): tf.Tensor2D {
  const width = features.shape[1];
  if (features.rank !== 2 || width % 2 !== 0) {
    throw new Error(
      `gatedActivation expects features [N, 2C], got ${JSON.stringify(features.shape)}.`,
    );
  }
  const half = width / 2;
  return tf.tidy(() => {
    const value = tf.matMul(features, halfSelection(width, 0));
    const gate = tf.matMul(features, halfSelection(width, half));
    return fastTanh(value).mul(tf.sigmoid(gate)) as tf.Tensor2D;
  });
}

/** The `[width, width / 2]` matrix that selects columns `offset … offset + width / 2 − 1`. */
function halfSelection(width: number, offset: number): tf.Tensor2D {
  const half = width / 2;
  const values = new Float32Array(width * half);
  for (let column = 0; column < half; column++) values[(offset + column) * half + column] = 1;
  return tf.tensor2d(values, [width, half]);
}
