import { readFileSync, statSync } from 'node:fs';

/**
 * Reads one UTF-8 text file for a loader, with errors that name the file and the fix.
 *
 * @param path the file.
 * @param loader the loader's name, for errors.
 * @param kind what the file should be (`'a JSONL file'`), for errors.
 * @returns the text, a leading BOM removed.
 * @example
 * const text = readTextFile('reviews.csv', 'loadCsv', 'a CSV file');
 */
export function readTextFile(path: string, loader: string, kind: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new Error(`${loader}: ${path} does not exist; pass the path of ${kind}.`);
  }
  if (!isFile) throw new Error(`${loader}: ${path} is a folder; pass the path of ${kind}.`);
  const bytes = readFileSync(path);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${loader}: ${path} is not valid UTF-8; re-save it as UTF-8.`);
  }
}

/** Formats a label value for a class name, or undefined when it is not a scalar. */
export function labelName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
