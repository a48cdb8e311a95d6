/** The model shapes of the bench workloads. */

/** The shape of a GPT (nanoGPT's `GPTConfig`, without dropout and biases). */
export type GptConfig = {
  /** Vocabulary size. */
  readonly vocabularySize: number;
  /** Context length T. */
  readonly blockSize: number;
  /** Transformer blocks. */
  readonly layers: number;
  /** Attention heads per block (must divide `dimensions`). */
  readonly heads: number;
  /** Model width C. */
  readonly dimensions: number;
};

/** The shape of {@link SimclrConvNet}. */
export type SimclrConvNetConfig = {
  /** Input height and width (square images). */
  readonly imageSize: number;
  /** Input channels. */
  readonly channels: number;
  /** Filters of the two conv blocks. */
  readonly filters: readonly [number, number];
  /** Width of the representation (dense + ReLU after the conv blocks). */
  readonly representationSize: number;
  /** Hidden width of the projection head. */
  readonly projectionHiddenSize: number;
  /** Output width of the projection head. */
  readonly projectionSize: number;
};
