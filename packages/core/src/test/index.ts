/**
 * Test helpers every selfsup package reuses: `import { expectNoTensorLeak } from '@selfsup/core/test'`.
 */
export type { CloseOptions } from './compare-tensors';
export { computeOnBackends, expectTensorsClose } from './compare-tensors';
export { expectNoTensorLeak } from './expect-no-tensor-leak';
