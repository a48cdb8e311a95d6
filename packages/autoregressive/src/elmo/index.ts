/**
 * ELMo-style biLM (Peters et al. 2018): forward and backward LSTM language models whose layers,
 * mixed by learned scalar weights, give contextual per-token features.
 */
export type {
  ContextualSpread,
  ContextualSpreadOptions,
  TokenFeatureFunction,
} from './contextual-spread';
export { contextualSpread } from './contextual-spread';
export type { ElmoLayerOutputs } from './elmo-bi-lm';
export { createElmo, ElmoBiLm, elmoEncoderType, maskedMean } from './elmo-bi-lm';
export type { ElmoEncoderOptions, ElmoFeatures } from './elmo-encoder';
export { createElmoEncoder, elmoFeatureEncoderType } from './elmo-encoder';
export type {
  ElmoBatch,
  ElmoLanguageModelLogits,
  ElmoObjective,
  ElmoObjectiveOptions,
} from './elmo-objective';
export { createElmoObjective } from './elmo-objective';
export type { ElmoOptions, ElmoSettings } from './elmo-options';
export { resolveElmoOptions } from './elmo-options';
export { createElmoStaticEncoder, elmoStaticEncoderType } from './elmo-static-encoder';
export { registerElmoLayers } from './register-elmo-layers';
export { reversePaddedSequences, sequenceLengths } from './reverse-padded-sequences';
export type { ScalarMixArgs } from './scalar-mix';
export { ScalarMix, scalarMix } from './scalar-mix';
