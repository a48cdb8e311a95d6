import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The newest complete `step-N` checkpoint (one with its `selfsup.json` manifest) in a run directory.
 *
 * @param directory the run directory (`--out`).
 * @returns the checkpoint's path, or undefined when the directory is missing or has none.
 * @example latestCheckpointIn('runs/gpt'); // 'runs/gpt/step-00002000'
 */
export function latestCheckpointIn(directory: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return undefined;
  }
  const newest = names
    .filter((name) => /^step-\d+$/.test(name) && existsSync(join(directory, name, 'selfsup.json')))
    .sort()
    .at(-1);
  return newest === undefined ? undefined : join(directory, newest);
}
