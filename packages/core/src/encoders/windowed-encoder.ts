import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { EncodeOptionsV1, EncoderConfigV1, EncoderV1 } from '../spec/encoder-v1';
import type { InputSpecV1 } from '../spec/input-spec-v1';
import { validateEncoderOptions } from './validate-encoder-options';

const positiveInteger = z.number().int().positive();

/** Options of {@link createWindowedEncoder} (besides the wrapped encoder). */
export const windowedEncoderOptionsSchema = z.strictObject({
  /** Windows per example `W`: the input is `[B, W·L]`, window `w` is columns `[w·L, (w+1)·L)`. Required. */
  windows: positiveInteger,
  /** Tokens per window `L`, at most the wrapped encoder's length. Required. */
  windowLength: positiveInteger,
  /** Token id of padding: a window whose first id is padding is empty and left out of the mean. Required. */
  paddingId: z.number().int().min(0),
});

/** What {@link createWindowedEncoder} accepts. */
export type WindowedEncoderOptions = z.input<typeof windowedEncoderOptionsSchema>;

/** The `type` of the windowed encoder in configs and checkpoints; its config nests the wrapped encoder's under `encoder`. */
export const windowedEncoderType = 'windowed';

/**
 * A long token sequence read as `W` windows of `L` tokens by one sequence encoder: each non-empty
 * window is encoded on its own, and the example's representation is the mean of its windows'
 * pooled features `[B, D]`. The way a 128-token encoder reads a 500-token e-mail: chunk the
 * document, encode the chunks with shared weights, pool over chunks (the mean pooling of
 * Pappagari et al. 2019, "Hierarchical Transformers for Long Document Classification"; Sun et al.
 * 2019 cut such documents instead, see `encodeBertInputs`'s `truncation`).
 *
 * Empty windows (first id = `paddingId`, as `encodeBertInputs({ windows })` writes them after a
 * short text) are skipped, so a short text costs one window, not `W`; a row of padding only
 * still encodes its first window. It owns the wrapped encoder: its `model` is the wrapped one's
 * (finetuning trains those weights), and `dispose()` frees it.
 *
 * @example
 * const long = createWindowedEncoder(cloneEncoder(bert.encoder), { windows: 4, windowLength: 128, paddingId: 0 });
 * const features = encode(long, encodeBertInputs(tokenizer, texts, { maxLength: 128, windows: 4 })); // [N, 128]
 */
export class WindowedEncoder implements EncoderV1 {
  readonly specificationVersion = 'v1' as const;
  readonly type = windowedEncoderType;
  readonly inputSpec: InputSpecV1;
  readonly outputSize: number;
  readonly hasPositions = false;
  /** The wrapped encoder's model (every weight lives there). */
  readonly model: tf.LayersModel;
  /** The options in effect. */
  readonly settings: z.output<typeof windowedEncoderOptionsSchema>;
  /** The encoder that reads each window. */
  readonly windowEncoder: EncoderV1;

  /**
   * @param windowEncoder the sequence encoder of each window (owned from now on).
   * @param options windows, window length and padding id.
   */
  constructor(windowEncoder: EncoderV1, options: WindowedEncoderOptions) {
    const settings = validateEncoderOptions(
      'createWindowedEncoder',
      windowedEncoderOptionsSchema,
      options,
    );
    const { modality, shape } = windowEncoder.inputSpec;
    const length = shape[0];
    if (modality !== 'tokens' || shape.length !== 1) {
      throw new Error(
        `createWindowedEncoder wraps a token encoder (input [B, T]); the '${windowEncoder.type}' encoder takes ${modality} of rank ${shape.length + 1}.`,
      );
    }
    if (length !== null && length !== undefined && length !== settings.windowLength) {
      throw new RangeError(
        `createWindowedEncoder: the '${windowEncoder.type}' encoder takes windows of ${length} tokens, got windowLength ${settings.windowLength}.`,
      );
    }
    const maxLength = windowEncoder.getConfig().maxLength;
    if (typeof maxLength === 'number' && settings.windowLength > maxLength) {
      throw new RangeError(
        `createWindowedEncoder: windowLength ${settings.windowLength} exceeds the '${windowEncoder.type}' encoder's maxLength ${maxLength}; use windows of at most ${maxLength} tokens.`,
      );
    }
    this.settings = settings;
    this.windowEncoder = windowEncoder;
    this.model = windowEncoder.model;
    this.outputSize = windowEncoder.outputSize;
    this.inputSpec = {
      modality: 'tokens',
      shape: [settings.windows * settings.windowLength],
      dtype: windowEncoder.inputSpec.dtype,
    };
  }

  getConfig(): EncoderConfigV1 {
    return { type: windowedEncoderType, ...this.settings, encoder: this.windowEncoder.getConfig() };
  }

  /** The mean of the non-empty windows' pooled features, `[B, D]`. */
  doEncode(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor2D {
    const { windows, windowLength, paddingId } = this.settings;
    const batch = input.shape[0] as number;
    if (input.rank !== 2 || input.shape[1] !== windows * windowLength) {
      throw new Error(
        `The windowed encoder takes [batch, ${windows} × ${windowLength}] token ids, got ${JSON.stringify(input.shape)}.`,
      );
    }
    // Which windows hold tokens: the ids are data (no gradient flows through them), read once.
    const ids = input.dataSync();
    const kept: number[] = [];
    const owners: number[] = [];
    const counts = new Float32Array(batch);
    for (let row = 0; row < batch; row++) {
      const first = kept.length;
      for (let window = 0; window < windows; window++) {
        if (ids[(row * windows + window) * windowLength] !== paddingId)
          kept.push(row * windows + window);
      }
      // A row of padding only still gets features, from its first window.
      if (kept.length === first) kept.push(row * windows);
      counts[row] = kept.length - first;
      for (let index = first; index < kept.length; index++) owners.push(row);
    }
    return tf.tidy(() => {
      const all = input.reshape([batch * windows, windowLength]);
      const chosen = kept.length === batch * windows ? all : tf.gather(all, kept);
      const features = this.windowEncoder.doEncode(chosen, options);
      if (windows === 1) return features;
      const summed = tf.unsortedSegmentSum(features, tf.tensor1d(owners, 'int32'), batch);
      return summed.div(tf.tensor2d(counts, [batch, 1])) as tf.Tensor2D;
    });
  }

  /** Frees the wrapped encoder. */
  dispose(): void {
    this.windowEncoder.dispose();
  }
}

/**
 * Reads long token sequences as windows of a sequence encoder (see {@link WindowedEncoder}).
 *
 * @param windowEncoder the encoder of one window, e.g. a BERT encoder (owned from now on).
 * @param options `windows`, `windowLength` (at most the encoder's `maxLength`), `paddingId`.
 * @returns the windowed encoder: input `[B, windows·windowLength]`, output `[B, D]`.
 * @example const long = createWindowedEncoder(encoder, { windows: 4, windowLength: 128, paddingId: 0 });
 */
export function createWindowedEncoder(
  windowEncoder: EncoderV1,
  options: WindowedEncoderOptions,
): WindowedEncoder {
  return new WindowedEncoder(windowEncoder, options);
}
