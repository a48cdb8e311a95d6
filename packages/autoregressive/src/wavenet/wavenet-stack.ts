import { deriveSeed, dilatedCausalConv1d } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { gatedActivation } from './gated-activation';
import { muLawCompanded, muLawEncode } from './mu-law';
import { type WavenetSettings, wavenetDilations } from './wavenet-settings';

/** tfjs' options of every layer (`name`, `trainable`, …). */
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** A tfjs layer shape: `null` marks the batch axis or a variable length. */
type Shape = (number | null)[];

/** Options of {@link WavenetStack}: the trunk's architecture (the class count lives elsewhere). */
export type WavenetStackArgs = LayerArgs &
  Omit<WavenetSettings, 'classes' | 'controls' | 'controlHop'>;

/** The weights of one gated residual layer. */
export type WavenetLayerWeights = {
  /** Filter and gate taps, `[k, C, 2C]` (filter in the first `C` outputs, gate in the last `C`). */
  readonly filterGateKernel: tf.Tensor3D;
  /** `[2C]`. */
  readonly filterGateBias: tf.Tensor1D;
  /** The 1×1 residual and skip projections, `[C, C + S]` (`[C, S]` in the last layer, which has no residual). */
  readonly outputKernel: tf.Tensor2D;
  /** `[C + S]` (`[S]` in the last layer). */
  readonly outputBias: tf.Tensor1D;
};

/** Every weight of a {@link WavenetStack} (views of its variables, owned by the layer). */
export type WavenetStackWeights = {
  /** The causal input convolution, 2 taps, `[2, 1, C]`. */
  readonly inputKernel: tf.Tensor3D;
  /** `[C]`. */
  readonly inputBias: tf.Tensor1D;
  /** One entry per dilated layer. */
  readonly layers: readonly WavenetLayerWeights[];
};

/**
 * The trunk of WaveNet (van den Oord et al. 2016, sections 2.1–2.4) as one tfjs layer: a 2-tap
 * causal input convolution, then `layers` gated residual layers
 * `z = tanh(W_f ∗_d x) ⊙ σ(W_g ∗_d x)`, `x ← x + 1×1(z)`, `skip += 1×1(z)` with dilations
 * `2^(l mod dilationCycle)`. Its output is `ReLU(Σ skips)` `[B, T, S]`, the per-sample features.
 *
 * `call` reads a waveform `[B, T, 1]` in [-1, 1], μ-law quantizes it, and feeds the companded
 * values; the feature at `t` depends on samples `t − R + 1 … t` (R = {@link wavenetReceptiveField}).
 * Training and generation call {@link wavenetTrunk} on {@link WavenetStack.getStackWeights}
 * directly (with shifted inputs and class conditioning). Dilated convolutions are time slices
 * and 2-D products (tfjs has no gradient for dilated convs), as in core's `dilatedCausalConv1d`.
 * Registered by `registerWavenetLayers()`.
 *
 * @example
 * const stack = new WavenetStack({ ...wavenetDefaults });
 * const features = stack.apply(audio) as tf.Tensor3D; // [B, T, 1] → [B, T, 64]
 */
export class WavenetStack extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'SelfsupWavenetStack';
  /** Number of gated residual layers. */
  readonly layerCount: number;
  readonly channels: number;
  readonly skipChannels: number;
  readonly dilationCycle: number;
  readonly kernelSize: number;
  readonly seed: number;
  /** The dilation of each layer. */
  readonly dilations: readonly number[];
  private stackVariables?: {
    inputKernel: tf.LayerVariable;
    inputBias: tf.LayerVariable;
    layers: {
      filterGateKernel: tf.LayerVariable;
      filterGateBias: tf.LayerVariable;
      outputKernel: tf.LayerVariable;
      outputBias: tf.LayerVariable;
    }[];
  };

  /** @param args the architecture; see {@link WavenetStackArgs} */
  constructor(args: WavenetStackArgs) {
    super(args);
    this.layerCount = args.layers;
    this.channels = args.channels;
    this.skipChannels = args.skipChannels;
    this.dilationCycle = args.dilationCycle;
    this.kernelSize = args.kernelSize;
    this.seed = args.seed;
    this.dilations = wavenetDilations(args);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (shape.length !== 3 || shape[2] !== 1) {
      throw new Error(
        `WavenetStack '${this.name}' expects waveforms [B, T, 1], got ${JSON.stringify(shape)}.`,
      );
    }
    const { channels, skipChannels, kernelSize, seed } = this;
    let index = 0;
    const glorot = () => tf.initializers.glorotUniform({ seed: deriveSeed(seed, index++) });
    const zeros = () => tf.initializers.zeros();
    this.stackVariables = {
      inputKernel: this.addWeight('input_kernel', [2, 1, channels], 'float32', glorot()),
      inputBias: this.addWeight('input_bias', [channels], 'float32', zeros()),
      layers: this.dilations.map((_, layer) => {
        const outputs = layer === this.layerCount - 1 ? skipChannels : channels + skipChannels;
        return {
          filterGateKernel: this.addWeight(
            `layer_${layer}_filter_gate_kernel`,
            [kernelSize, channels, 2 * channels],
            'float32',
            glorot(),
          ),
          filterGateBias: this.addWeight(
            `layer_${layer}_filter_gate_bias`,
            [2 * channels],
            'float32',
            zeros(),
          ),
          outputKernel: this.addWeight(
            `layer_${layer}_output_kernel`,
            [channels, outputs],
            'float32',
            glorot(),
          ),
          outputBias: this.addWeight(`layer_${layer}_output_bias`, [outputs], 'float32', zeros()),
        };
      }),
    };
    this.built = true;
  }

  /** The current weights (views of the layer's variables; do not dispose them). */
  getStackWeights(): WavenetStackWeights {
    const variables = this.stackVariables;
    if (variables === undefined) {
      throw new Error(`WavenetStack '${this.name}' is not built yet: apply it to an input first.`);
    }
    return {
      inputKernel: variables.inputKernel.read() as tf.Tensor3D,
      inputBias: variables.inputBias.read() as tf.Tensor1D,
      layers: variables.layers.map((layer) => ({
        filterGateKernel: layer.filterGateKernel.read() as tf.Tensor3D,
        filterGateBias: layer.filterGateBias.read() as tf.Tensor1D,
        outputKernel: layer.outputKernel.read() as tf.Tensor2D,
        outputBias: layer.outputBias.read() as tf.Tensor1D,
      })),
    };
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const audio = Array.isArray(inputs) ? inputs[0] : inputs;
      if (audio === undefined) throw new Error('WavenetStack needs one input tensor.');
      const values = muLawCompanded(muLawEncode(audio)) as tf.Tensor3D;
      return tf.relu(wavenetTrunk(this.getStackWeights(), this.dilations, values));
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [shape[0] ?? null, shape[1] ?? null, this.skipChannels];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      layers: this.layerCount,
      channels: this.channels,
      skipChannels: this.skipChannels,
      dilationCycle: this.dilationCycle,
      kernelSize: this.kernelSize,
      seed: this.seed,
    };
  }
}

/**
 * The WaveNet trunk as a pure tensor function (differentiable on every backend, wasm included):
 * input convolution, gated residual layers with optional global conditioning, and the sum of
 * the skip outputs (before the ReLU).
 *
 * Each dilated layer pads its input once, takes the `k` time-shifted views, and multiplies them by
 * the filter and gate halves of the kernel separately (and the gated output by the residual and
 * skip halves): activations are never split by columns, which is slow on tfjs-wasm (a `SplitV`
 * forward, a `Concat` backward), while slicing the small weights costs nothing.
 *
 * @param weights the stack's weights ({@link WavenetStack.getStackWeights}).
 * @param dilations the dilation of each layer.
 * @param input the network input `[B, T, 1]` (companded μ-law values in [-1, 1]).
 * @param conditioning per layer, the class terms `V_f h`, `V_g h` as `[B, 2C]`; absent: unconditional.
 * @param local local conditioning (section 2.5): per-sample `features` `[B·T, F]` and the `kernel`
 *   `[F, layers · 2C]` whose columns `l·2C … l·2C + 2C` are layer `l`'s `V_f`, `V_g`; absent: none.
 * @returns `Σ skips`, `[B, T, S]`.
 * @example const skips = wavenetTrunk(stack.getStackWeights(), stack.dilations, input);
 */
export function wavenetTrunk(
  weights: WavenetStackWeights,
  dilations: readonly number[],
  input: tf.Tensor3D,
  conditioning?: readonly tf.Tensor2D[],
  local?: { readonly features: tf.Tensor2D; readonly kernel: tf.Tensor2D },
): tf.Tensor3D {
  const [batch, length, inputChannels] = input.shape;
  if (input.rank !== 3 || inputChannels !== 1) {
    throw new Error(`wavenetTrunk expects an input [B, T, 1], got ${JSON.stringify(input.shape)}.`);
  }
  if (conditioning !== undefined && conditioning.length !== weights.layers.length) {
    throw new Error(
      `wavenetTrunk: got conditioning for ${conditioning.length} layers, the stack has ${weights.layers.length}.`,
    );
  }
  const channels = weights.inputBias.shape[0];
  const rows = batch * length;
  if (
    local !== undefined &&
    (local.features.shape[0] !== rows ||
      local.kernel.shape[0] !== local.features.shape[1] ||
      local.kernel.shape[1] !== weights.layers.length * 2 * channels)
  ) {
    throw new Error(
      `wavenetTrunk: local conditioning needs features [${rows}, F] and a kernel [F, ${weights.layers.length * 2 * channels}], got ${JSON.stringify(local.features.shape)} and ${JSON.stringify(local.kernel.shape)}.`,
    );
  }
  // Columns of activations are never split (tfjs-wasm copies a last-axis split element-run by
  // element-run, and its gradient is a Concat over [N, ·]): the filter and gate, residual and skip
  // halves come from products with slices of the (small) weights instead.
  const columns = (matrix: tf.Tensor2D, start: number, size: number) =>
    matrix.slice([0, start], [matrix.shape[0], size]) as tf.Tensor2D;
  const entries = (vector: tf.Tensor1D, start: number, size: number) =>
    vector.slice([start], [size]) as tf.Tensor1D;
  const product = (a: tf.Tensor2D, b: tf.Tensor2D, bias?: tf.Tensor1D) =>
    tf.fused.matMul(bias === undefined ? { a, b } : { a, b, bias }) as tf.Tensor2D;
  return tf.tidy(() => {
    let hidden = dilatedCausalConv1d(input, weights.inputKernel, weights.inputBias, 1);
    let skips: tf.Tensor2D | undefined;
    weights.layers.forEach((layer, index) => {
      const dilation = dilations[index] ?? 1;
      const taps = layer.filterGateKernel.shape[0];
      const padded = tf.pad(hidden, [
        [0, 0],
        [(taps - 1) * dilation, 0],
        [0, 0],
      ]);
      let filter: tf.Tensor2D | undefined;
      let gate: tf.Tensor2D | undefined;
      for (let tap = 0; tap < taps; tap++) {
        // Tap j reads x[t − (k − 1 − j)·d] (core's dilatedCausalConv1d layout).
        const view = tf
          .slice(padded, [0, tap * dilation, 0], [batch, length, channels])
          .reshape([rows, channels]) as tf.Tensor2D;
        const kernel = layer.filterGateKernel
          .slice([tap, 0, 0], [1, channels, 2 * channels])
          .reshape([channels, 2 * channels]) as tf.Tensor2D;
        const first = tap === 0;
        const filterTerm = product(
          view,
          columns(kernel, 0, channels),
          first ? entries(layer.filterGateBias, 0, channels) : undefined,
        );
        const gateTerm = product(
          view,
          columns(kernel, channels, channels),
          first ? entries(layer.filterGateBias, channels, channels) : undefined,
        );
        filter = filter === undefined ? filterTerm : tf.add<tf.Tensor2D>(filter, filterTerm);
        gate = gate === undefined ? gateTerm : tf.add<tf.Tensor2D>(gate, gateTerm);
      }
      const classTerm = conditioning?.[index];
      if (classTerm !== undefined) {
        const addClass = (values: tf.Tensor2D, start: number) =>
          tf
            .add(
              values.reshape([batch, length, channels]),
              classTerm.slice([0, start], [batch, channels]).reshape([batch, 1, channels]),
            )
            .reshape([rows, channels]) as tf.Tensor2D;
        filter = addClass(filter!, 0);
        gate = addClass(gate!, channels);
      }
      if (local !== undefined) {
        const start = index * 2 * channels;
        filter = tf.add<tf.Tensor2D>(
          filter!,
          product(local.features, columns(local.kernel, start, channels)),
        );
        gate = tf.add<tf.Tensor2D>(
          gate!,
          product(local.features, columns(local.kernel, start + channels, channels)),
        );
      }
      const gated = gatedActivation(filter!, gate!);
      let skip: tf.Tensor2D;
      if (index < weights.layers.length - 1) {
        const skipChannels = layer.outputKernel.shape[1] - channels;
        const residual = product(
          gated,
          columns(layer.outputKernel, 0, channels),
          entries(layer.outputBias, 0, channels),
        );
        skip = product(
          gated,
          columns(layer.outputKernel, channels, skipChannels),
          entries(layer.outputBias, channels, skipChannels),
        );
        hidden = tf.add(hidden, residual.reshape([batch, length, channels])) as tf.Tensor3D;
      } else {
        skip = product(gated, layer.outputKernel, layer.outputBias);
      }
      skips = skips === undefined ? skip : (tf.add(skips, skip) as tf.Tensor2D);
    });
    if (skips === undefined) throw new Error('wavenetTrunk: the stack has no layers.');
    return skips.reshape([batch, length, skips.shape[1]]) as tf.Tensor3D;
  });
}

/**
 * Registers WaveNet's layer ({@link WavenetStack}) with `tf.serialization`, so that
 * `tf.loadLayersModel` (and `loadEncoder`) can rebuild saved WaveNet encoders. Nothing is
 * registered at import time; call it once before loading. Idempotent.
 *
 * @example
 * registerWavenetLayers();
 * const model = await tf.loadLayersModel(handler);
 */
export function registerWavenetLayers(): void {
  tf.serialization.registerClass(
    WavenetStack as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>,
    'selfsup',
  );
}
