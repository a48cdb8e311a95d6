import { readFileSync } from 'node:fs';
import { listDataFiles, type SkippedFile, unsupportedFileError } from './data-files';

/** Options of {@link loadTextFiles}. */
export type LoadTextFilesOptions = {
  /** Skip unreadable, non-UTF-8 or non-`.txt` files (listed in `skipped`) instead of throwing. @default false */
  readonly skipBadFiles?: boolean;
};

/** The documents of {@link loadTextFiles}: one text per file. */
export type TextFileDocuments = {
  /** The content of each file (UTF-8, a leading BOM removed), in file order. */
  readonly texts: string[];
  /** The file of each text. */
  readonly files: readonly string[];
  /** The class of each text, from its subfolder (only for a folder of class subfolders). */
  readonly labels?: Int32Array;
  /** Sorted subfolder names (with `labels`). */
  readonly classNames?: readonly string[];
  /** Files left out because `skipBadFiles` was on, with the reason. */
  readonly skipped: readonly SkippedFile[];
};

const textExtensions = ['.txt'];

/**
 * Loads the user's documents: a folder of `.txt` files (one document each), or one `.txt` file.
 *
 * Files are sorted by name. A folder of subfolders is labeled: each subfolder is a class (sorted
 * names give the ids), as in `loadImageFolder`. Files must be valid UTF-8; a file with invalid
 * bytes is an error naming it (or skipped with `skipBadFiles`).
 *
 * @param path a `.txt` file, a folder of them, or a folder of one subfolder per class.
 * @param options skipBadFiles; see {@link LoadTextFilesOptions}.
 * @returns the texts, their files, labels and class names when labeled, and the skipped files.
 * @example
 * const { texts } = loadTextFiles('notes'); // notes/*.txt
 */
export function loadTextFiles(path: string, options: LoadTextFilesOptions = {}): TextFileDocuments {
  const { skipBadFiles = false } = options;
  const loader = 'loadTextFiles';
  const listing = listDataFiles(path, textExtensions, loader);
  const skipped: SkippedFile[] = [];
  for (const file of listing.unsupported) {
    const error = unsupportedFileError(file, textExtensions, loader);
    if (!skipBadFiles) throw error;
    skipped.push({ file, reason: error.message });
  }
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const texts: string[] = [];
  const files: string[] = [];
  const classIndices: number[] = [];
  for (const { path: file, classIndex } of listing.files) {
    try {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (error) {
        throw new Error(`${loader}: cannot read ${file}: ${(error as Error).message}`);
      }
      try {
        texts.push(decoder.decode(bytes));
      } catch {
        throw new Error(
          `${loader}: ${file} is not valid UTF-8; re-save it as UTF-8, remove it, or pass skipBadFiles: true.`,
        );
      }
    } catch (error) {
      if (!skipBadFiles) throw error;
      skipped.push({ file, reason: (error as Error).message });
      continue;
    }
    files.push(file);
    classIndices.push(classIndex);
  }
  if (files.length === 0) {
    throw new Error(
      `${loader}: no readable .txt file in ${path} (${skipped.length} skipped, the first: ${skipped[0]?.reason ?? 'none'}); fix or replace those files.`,
    );
  }
  if (listing.classNames.length === 0) return { texts, files, skipped };
  return {
    texts,
    files,
    labels: Int32Array.from(classIndices),
    classNames: listing.classNames,
    skipped,
  };
}
