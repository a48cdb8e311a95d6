/**
 * Test helpers every selfsup package reuses: `import { expectNoTensorLeak } from '@selfsup/core/test'`.
 */
export type { CloseOptions } from './compare-tensors';
export { computeOnBackends, expectTensorsClose } from './compare-tensors';
export { expectNoTensorLeak } from './expect-no-tensor-leak';
export type {
  TinyBatchSource,
  TinyBatchSourceOptions,
  TinyEncoderOptions,
  TinyObjective,
  TinyObjectiveOptions,
} from './tiny-objective';
export { createTinyEncoder, createTinyObjective, tinyBatchSource } from './tiny-objective';
