/**
 * The kinds of input an encoder can take.
 * - `image`: `[B, H, W, C]` float32 in [0, 1].
 * - `tokens`: `[B, T]` int32 token ids (see {@link TokenizerV1}).
 * - `audio`: `[B, T, 1]` float32 raw waveform in [-1, 1].
 * - `frames`: `[B, F, H, W, C]` float32, a sequence of images.
 * - `vector`: `[B, D]` float32 features.
 */
export type ModalityV1 = 'image' | 'tokens' | 'audio' | 'frames' | 'vector';

/** What one example of an encoder's input looks like. */
export type InputSpecV1 = {
  /** The modality, which fixes the meaning of each axis. */
  readonly modality: ModalityV1;
  /**
   * The shape of one example, without the batch axis; `null` marks an axis of variable length
   * (e.g. `[null]` for token sequences of any length up to the encoder's maximum).
   */
  readonly shape: readonly (number | null)[];
  /** `int32` for token ids, `float32` otherwise. */
  readonly dtype: 'float32' | 'int32';
};
