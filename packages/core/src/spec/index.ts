export type { BatchSourceV1 } from './batch-source-v1';
export type { EncodeOptionsV1, EncoderConfigV1, EncoderV1 } from './encoder-v1';
export type { InputSpecV1, ModalityV1 } from './input-spec-v1';
export type { JsonObject, JsonValue } from './json';
export type { LossResultV1, ObjectiveV1, StepContextV1 } from './objective-v1';
export type { SpecialTokenIdsV1, TokenizerV1 } from './tokenizer-v1';
