/**
 * `@selfsup/masked-prediction`: hide part of the input and recover it. BERT masked LM, MAE,
 * wav2vec 2.0, and the word-vector methods Word2Vec (CBOW, skip-gram) and GloVe.
 */
export * from './bert/index';
export * from './mae/index';
export * from './wav2vec2/index';
export * from './word-vectors/index';
