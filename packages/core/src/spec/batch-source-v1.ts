/**
 * Specification v1 of a resumable, seeded source of training batches.
 *
 * `pretrain()` stores how many batches it consumed; on resume it asks for the batches from that
 * position with the same seed, and must get exactly the batches an uninterrupted run would see.
 * Each batch is a tensor or a (nested) record of tensors that the loop disposes after its step.
 */
export type BatchSourceV1<Batch> = {
  readonly specificationVersion: 'v1';
  /** Batches from `position` (batches already consumed) on, in the order fixed by `seed`. */
  batches(options: {
    readonly position: number;
    readonly seed: number;
  }): AsyncIterator<Batch> | Iterator<Batch>;
};
