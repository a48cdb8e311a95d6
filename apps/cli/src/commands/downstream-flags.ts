import type { FinetuneMode } from '@selfsup/core';
import type { DownstreamOptions } from '../downstream/run-downstream';
import { parseBackend, parseChoice } from './common-flags';
import { parsePositiveInteger } from './parse-flags';

/** The finetune modes the CLI offers. */
export const finetuneModes: readonly FinetuneMode[] = ['linear-probe', 'full', 'knn'];

/**
 * The downstream options of `finetune`/`evaluate` from their flags.
 *
 * @param checkpoint the `<checkpoint>` argument.
 * @param flags the parsed flags.
 * @param defaults the command's default mode and label budget.
 * @returns the options.
 * @example parseDownstreamFlags('runs/a', { mode: 'knn' }, { mode: 'knn', labels: 'all' });
 */
export function parseDownstreamFlags(
  checkpoint: string,
  flags: Record<string, unknown>,
  defaults: { readonly mode: FinetuneMode; readonly labels: number | 'all' },
): DownstreamOptions {
  return {
    checkpoint,
    mode:
      flags.mode === undefined ? defaults.mode : parseChoice(flags.mode, '--mode', finetuneModes),
    labels:
      flags.labels === undefined || flags.labels === 'all'
        ? flags.labels === 'all'
          ? 'all'
          : defaults.labels
        : parsePositiveInteger(flags.labels, '--labels'),
    data: flags.data === undefined ? undefined : String(flags.data),
    poolSize:
      flags.poolSize === undefined
        ? undefined
        : parsePositiveInteger(flags.poolSize, '--pool-size'),
    testSize:
      flags.testSize === undefined
        ? undefined
        : parsePositiveInteger(flags.testSize, '--test-size'),
    epochs: flags.epochs === undefined ? 20 : parsePositiveInteger(flags.epochs, '--epochs'),
    seed: flags.seed === undefined ? 0 : parsePositiveInteger(flags.seed, '--seed', 0),
    backend: parseBackend(flags.backend),
  };
}
