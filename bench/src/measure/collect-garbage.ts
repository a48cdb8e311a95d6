import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collector: (() => void) | undefined;

/**
 * Runs a full garbage collection of this thread's heap now (V8's `gc()`, exposed on first use
 * without `--expose-gc` on the command line).
 *
 * @returns nothing; the collection is done when it returns.
 * @example collectGarbage(); // before a timed round: no collection of earlier garbage inside it
 */
export function collectGarbage(): void {
  if (collector === undefined) {
    setFlagsFromString('--expose-gc');
    collector = runInNewContext('gc') as () => void;
  }
  collector();
}
