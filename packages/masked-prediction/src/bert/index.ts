/**
 * BERT masked language modelling (Devlin et al. 2019): the objective, its encoder and MLM head,
 * input helpers, fill-mask and its evaluation.
 */
export type { BertBatch, BertObjective, BertOptions } from './bert';
export { bertHeadName, bertMethod, createBert } from './bert';
export type { BertDocumentSourceOptions } from './bert-document-source';
export { bertDocumentSource } from './bert-document-source';
export type { BertEncoderOptions, BertPooling } from './bert-encoder';
export { createBertEncoder } from './bert-encoder';
export type { BertSequenceSourceOptions, EncodeBertInputsOptions } from './bert-inputs';
export { bertSequenceSource, encodeBertInputs } from './bert-inputs';
export type {
  EvaluateFillMaskOptions,
  FillMaskEvaluation,
  UnigramTopKAccuracyOptions,
} from './evaluate-fill-mask';
export { evaluateFillMask, unigramTopKAccuracy } from './evaluate-fill-mask';
export type { FillMaskCandidate, FillMaskOptions } from './fill-mask';
export { fillMask } from './fill-mask';
export type { LoadedBert } from './load-bert';
export { loadBert } from './load-bert';
export type { MaskedLanguageModelHeadArgs } from './masked-language-model-head';
export {
  createMaskedLanguageModelHead,
  findMaskedLanguageModelHead,
  MaskedLanguageModelHead,
  registerBertLayers,
} from './masked-language-model-head';
export type { MaskedLanguageModelLossResult } from './masked-language-model-loss';
export { maskedLanguageModelLoss } from './masked-language-model-loss';
export type { BertMaskedLanguageModel } from './masked-token-logits';
export { maskedTokenLogits, selectedPositions } from './masked-token-logits';
