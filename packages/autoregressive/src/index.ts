/**
 * `@selfsup/autoregressive`: next-element prediction as self-supervision. GPT (causal
 * Transformer LM), PixelCNN (gated, masked convolutions), WaveNet (dilated causal convolutions)
 * and ELMo-style bidirectional LSTM language models, each on core's `ObjectiveV1`/`EncoderV1`.
 */
export * from './elmo/index';
export * from './gpt/index';
export * from './pixel-cnn/index';
export * from './wavenet/index';
