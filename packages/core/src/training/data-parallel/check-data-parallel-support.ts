/**
 * Throws when this environment cannot run data-parallel training: it needs Node's
 * `worker_threads` (one wasm instance per thread) and `SharedArrayBuffer` + `Atomics` (the
 * all-reduce). Browsers are refused rather than silently trained on one thread: a run asked for
 * N workers should not quietly take N times longer.
 *
 * @param workers the requested worker count (for the message).
 * @returns nothing; throws an Error that says what is missing and what to do.
 * @example checkDataParallelSupport(2) // passes in Node ≥ 18
 */
export function checkDataParallelSupport(workers: number): void {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
    ?.node;
  if (node === undefined) {
    throw new Error(
      `pretrain(): workers: ${workers} trains in Node worker_threads, which this environment (a browser?) does not have. ` +
        'Use workers: 1 here (the single-threaded loop), or run the training in Node.',
    );
  }
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') {
    throw new Error(
      `pretrain(): workers: ${workers} all-reduces gradients through SharedArrayBuffer and Atomics, which this Node process does not provide ` +
        '(started with --no-harmony-sharedarraybuffer or an embedder that disables it?). Use workers: 1, or run it in a plain Node ≥ 18.',
    );
  }
}
