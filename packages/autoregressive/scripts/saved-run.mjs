// What the analysis scripts of saved WaveNet runs share (scripts/control-track-statistics.mjs,
// scripts/wavenet-predictive-spread.mjs): exiting with a message, and reading a run directory that
// scripts/wavenet-full-run.mjs --controls saved.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Prints `message` to stderr and exits with status 1. */
export function fail(message) {
  console.error(message);
  process.exit(1);
}

/**
 * The absolute `directory` and its parsed run.json; fails with a message naming the fix when it
 * cannot be read.
 */
export function readSavedRun(directory) {
  const absolute = resolve(directory);
  const path = join(absolute, 'run.json');
  try {
    return { directory: absolute, run: JSON.parse(readFileSync(path, 'utf8')) };
  } catch (error) {
    return fail(
      `Cannot read ${path} (${error.message}): give a run directory of scripts/wavenet-full-run.mjs --controls.`,
    );
  }
}
