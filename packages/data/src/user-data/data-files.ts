import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';

/** A file that a loader left out because `skipBadFiles` was on, and why. */
export type SkippedFile = {
  /** The path of the file, as found under the folder passed to the loader. */
  readonly file: string;
  /** The error that the file raised (it names the file and the fix). */
  readonly reason: string;
};

/** One data file of a folder, with the class index of its subfolder (0 when unlabeled). */
export type DataFile = { readonly path: string; readonly classIndex: number };

/** The data files of a folder, in a stable order, and the class names read from its subfolders. */
export type DataFileListing = {
  readonly files: readonly DataFile[];
  /** Sorted subfolder names (class `i` is `classNames[i]`); empty when the folder is flat. */
  readonly classNames: readonly string[];
  /** Files with an extension outside `extensions`, each a {@link SkippedFile} candidate. */
  readonly unsupported: readonly string[];
};

/** Sorts names by code point, so that the order (and thus class indices) never depends on locale. */
export function compareNames(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function isHidden(name: string): boolean {
  return name.startsWith('.') || name === 'Thumbs.db' || name === 'desktop.ini';
}

function filesUnder(folder: string): string[] {
  const found: string[] = [];
  const entries = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => !isHidden(entry.name))
    .sort((left, right) => compareNames(left.name, right.name));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path));
    else if (entry.isFile() || statSync(path).isFile()) found.push(path);
  }
  return found;
}

/**
 * Lists the data files of a folder (or a single file) for a user-data loader.
 *
 * A folder whose entries are subfolders is labeled: each subfolder name is a class, sorted by code
 * point, and every file beneath a subfolder (at any depth) belongs to that class. A folder of files
 * only is unlabeled (`classNames: []`, class index 0). Hidden files (`.DS_Store`, `.git`, …) are
 * ignored. A folder that mixes files and subfolders is rejected, since its top files have no class.
 *
 * @param path a folder, or one file.
 * @param extensions accepted lowercase extensions with the dot (`['.png', '.jpg']`).
 * @param loader the loader's name, for errors.
 * @returns the supported files with their class indices, the class names and the unsupported files.
 * @example
 * const { files, classNames } = listDataFiles('photos', ['.png'], 'loadImageFolder');
 */
export function listDataFiles(
  path: string,
  extensions: readonly string[],
  loader: string,
): DataFileListing {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new Error(`${loader}: ${path} does not exist; pass the path of a folder or file.`);
  }
  const supported = (file: string) => extensions.includes(extname(file).toLowerCase());
  if (!isFolder) {
    if (!supported(path)) {
      throw new Error(
        `${loader}: ${path} has an unsupported extension '${extname(path)}'; pass a ${extensions.join(', ')} file or a folder of them.`,
      );
    }
    return { files: [{ path, classIndex: 0 }], classNames: [], unsupported: [] };
  }
  const entries = readdirSync(path, { withFileTypes: true }).filter(
    (entry) => !isHidden(entry.name),
  );
  const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const topFiles = entries.filter((entry) => !entry.isDirectory()).map((entry) => entry.name);
  folders.sort(compareNames);
  topFiles.sort(compareNames);
  if (folders.length > 0 && topFiles.length > 0) {
    throw new Error(
      `${loader}: ${path} mixes files (${join(path, topFiles[0]!)}) and class subfolders (${folders.join(', ')}); ` +
        'move every file into a class subfolder, or remove the subfolders for unlabeled data.',
    );
  }
  const files: DataFile[] = [];
  const unsupported: string[] = [];
  const add = (file: string, classIndex: number) => {
    if (supported(file)) files.push({ path: file, classIndex });
    else unsupported.push(file);
  };
  if (folders.length === 0) {
    for (const name of topFiles) add(join(path, name), 0);
  } else {
    folders.forEach((name, classIndex) => {
      for (const file of filesUnder(join(path, name))) add(file, classIndex);
    });
  }
  if (files.length === 0 && unsupported.length === 0) {
    throw new Error(
      `${loader}: ${path} holds no files; put ${extensions.join(', ')} files in it (or in one subfolder per class).`,
    );
  }
  return { files, classNames: folders, unsupported };
}

/** The error of a file with an unsupported extension, naming the file and the accepted ones. */
export function unsupportedFileError(file: string, extensions: readonly string[], loader: string) {
  return new Error(
    `${loader}: ${file} has an unsupported extension '${extname(file) || basename(file)}'; ` +
      `convert it to ${extensions.join(', ')}, remove it, or pass skipBadFiles: true.`,
  );
}
