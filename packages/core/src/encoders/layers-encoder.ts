import type * as tf from '@tensorflow/tfjs';
import type { EncodeOptionsV1, EncoderConfigV1, EncoderV1 } from '../spec/encoder-v1';
import type { InputSpecV1 } from '../spec/input-spec-v1';

/** What every built-in encoder passes to {@link LayersEncoder}. */
export type LayersEncoderParts = {
  readonly type: string;
  readonly config: EncoderConfigV1;
  readonly inputSpec: InputSpecV1;
  readonly outputSize: number;
  readonly featureSize?: number;
  /** The model owning every weight. Its output (or first output) is the pooled `[B, D]`. */
  readonly model: tf.LayersModel;
};

/**
 * Base of the built-in encoders: an {@link EncoderV1} whose weights live in one tf.LayersModel.
 * The default {@link LayersEncoder.doEncode} applies the model and takes its (first) output;
 * encoders with other paths (per-position features, cached generation, patch subsets) override
 * or add methods that call the model's layers by name.
 */
export class LayersEncoder implements EncoderV1 {
  readonly specificationVersion = 'v1' as const;
  readonly type: string;
  readonly inputSpec: InputSpecV1;
  readonly outputSize: number;
  readonly featureSize?: number;
  readonly model: tf.LayersModel;
  protected readonly config: EncoderConfigV1;

  constructor(parts: LayersEncoderParts) {
    this.type = parts.type;
    this.config = parts.config;
    this.inputSpec = parts.inputSpec;
    this.outputSize = parts.outputSize;
    if (parts.featureSize !== undefined) this.featureSize = parts.featureSize;
    this.model = parts.model;
  }

  get hasPositions(): boolean {
    return this.featureSize !== undefined;
  }

  getConfig(): EncoderConfigV1 {
    return structuredClone(this.config);
  }

  doEncode(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor2D {
    const output = this.model.apply(input, { training: options.training });
    return (Array.isArray(output) ? output[0] : output) as tf.Tensor2D;
  }

  dispose(): void {
    this.model.dispose();
  }
}
