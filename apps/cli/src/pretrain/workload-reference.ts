import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JsonObject, WorkloadReference } from '@selfsup/core';
import { CLI_WORKLOAD_EXPORT, type CliWorkloadOptions } from './cli-workload';

/**
 * The workload reference of a `selfsup pretrain --workers N` run: core's data-parallel `pretrain`
 * starts N worker threads, and each imports the CLI's built `cli-workload.js` (beside the built
 * `selfsup.js`: a worker runs plain JavaScript) and calls `createCliObjective(options)`.
 *
 * @param options the run's description (JSON), see {@link CliWorkloadOptions}.
 * @returns `{ module, exportName, options }` for `pretrain({ workload })`.
 * @throws Error when `cli-workload.js` is not beside this module (the CLI is run from its sources,
 *   not from `dist/`): build it with `pnpm --filter @selfsup/cli build`.
 * @example const workload = cliWorkloadReference({ method: 'gpt', encoder: 'gpt', encoderOptions: {}, inputShape: [64], seed: 0, methodOptions: {}, runDirectory: '/runs/gpt' });
 */
export function cliWorkloadReference(options: CliWorkloadOptions): WorkloadReference {
  const module = new URL('./cli-workload.js', import.meta.url);
  if (module.protocol !== 'file:' || !existsSync(fileURLToPath(module))) {
    throw new Error(
      `--workers: the worker threads build the objective from ${module.href}, which does not exist. ` +
        'Run the built CLI (dist/selfsup.js, built with `pnpm --filter @selfsup/cli build`, which writes dist/cli-workload.js beside it), or use --workers 1.',
    );
  }
  return {
    module: module.href,
    exportName: CLI_WORKLOAD_EXPORT,
    options: options as unknown as JsonObject,
  };
}
