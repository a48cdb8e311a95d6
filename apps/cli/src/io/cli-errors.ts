import { UsageError } from '../commands/parse-flags';

export { UsageError };

/**
 * A run stopped by Ctrl-C (SIGINT) after saving what it had: the CLI exits with code 130, the
 * shell convention for an interrupt, and the message says how to resume.
 */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
}

/**
 * The exit code of an error: 2 for bad usage or bad input (flags, config files, data paths,
 * checkpoints of another method or version), 130 for an interrupt, 1 for a failure while running.
 *
 * @param error what was thrown.
 * @returns 1, 2 or 130.
 * @example exitCodeOf(new UsageError('--steps takes an integer')); // 2
 */
export function exitCodeOf(error: unknown): number {
  if (error instanceof InterruptedError) return 130;
  const name = (error as { name?: unknown } | null)?.name;
  if (error instanceof UsageError || name === 'CACError' || name === 'CheckpointError') return 2;
  return 1;
}
