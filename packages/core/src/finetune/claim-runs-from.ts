/**
 * A `selectRuns` for {@link labelEfficiency} that shares a study first come, first served: every
 * participant (a worker thread, each running the same study) gets a selector over the same
 * counter, and each run goes to whichever participant is free first, so a slow run (full
 * finetuning on 1,000 labels) does not hold back runs another participant could take.
 *
 * The counter is the next unclaimed run; `Atomics.add` makes each claim exclusive across threads.
 * Every run is trained exactly once provided every participant goes through the whole study (as
 * `labelEfficiency` does, asking for each run in order).
 *
 * @param counter one int32 in shared memory (e.g. `new Int32Array(new SharedArrayBuffer(4))`),
 *   0 at the start, shared by every participant.
 * @returns the selector `(run) => boolean` to pass as `selectRuns`.
 * @example
 * // in each worker, with the same `counter` passed to every worker:
 * const part = await labelEfficiency({ ...study, selectRuns: claimRunsFrom(counter) });
 */
export function claimRunsFrom(counter: Int32Array): (run: number) => boolean {
  if (!(counter instanceof Int32Array) || counter.length < 1) {
    throw new TypeError(
      'claimRunsFrom needs an Int32Array of at least one element (new Int32Array(new SharedArrayBuffer(4))).',
    );
  }
  let claimed = -1;
  return (run: number): boolean => {
    if (claimed < run) claimed = Atomics.add(counter, 0, 1);
    return claimed === run;
  };
}
