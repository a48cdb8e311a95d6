import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildPrivateCli,
  type CliProcessRun,
  runCliProcess,
} from '../../scripts/reliability/kill-resume-lib.mjs';

/** The monorepo root. */
export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Tiny pretraining settings: a 4-channel ConvNet on 256 MNIST images, batches of 8. */
export const tinyFlags = [
  '--limit',
  '256',
  '--batch-size',
  '8',
  '--encoder-options',
  '{"channels":[4],"outputSize":16}',
];

/** The fault-injection preload (see `fixtures/inject-write-fault.mjs`). */
export const faultInjection = join(
  dirname(fileURLToPath(import.meta.url)),
  'fixtures',
  'inject-write-fault.mjs',
);

/** A private build of the CLI and a scratch directory for one test file; `dispose()` removes both. */
export type ReliabilityBench = {
  readonly cli: string;
  readonly directory: string;
  run(
    args: readonly string[],
    environment?: Readonly<Record<string, string>>,
  ): Promise<CliProcessRun>;
  dispose(): void;
};

/**
 * Builds `selfsup` from `apps/cli` source into a private folder (so that other builds of
 * `apps/cli/dist` cannot change it during the test) and makes a scratch directory.
 *
 * @param label a name for the build folder.
 * @returns the bench.
 * @example const bench = await createReliabilityBench('disk'); await bench.run(['pretrain', 'rotation']);
 */
export async function createReliabilityBench(label: string): Promise<ReliabilityBench> {
  const cli = await buildPrivateCli(repositoryRoot, label);
  const directory = mkdtempSync(join(tmpdir(), `selfsup-${label}-`));
  return {
    cli,
    directory,
    run: (args, environment = {}) => runCliProcess(cli, args, directory, undefined, environment),
    dispose: () => {
      rmSync(directory, { recursive: true, force: true });
      rmSync(dirname(cli), { recursive: true, force: true });
    },
  };
}
