import { fashionMnistClassNames, mnistClassNames } from '../image-class-names';
import type { ImageDataset } from '../image-dataset';
import { parseIdxBytes } from '../parse-idx-bytes';
import { type MobyDickCorpus, mobyDickCorpus } from '../text-corpora/moby-dick-corpus';
import { type LoadNamesOptions, type NamesCorpus, namesCorpus } from '../text-corpora/names-corpus';
import { type SotuAddress, type SotuCorpus, sotuCorpus } from '../text-corpora/sotu-corpus';
import {
  type LoadSpamAssassinOptions,
  type SpamAssassinCorpus,
  type SpamAssassinGroup,
  type SpamAssassinRecord,
  spamAssassinCorpus,
  spamAssassinGroups,
} from '../text-corpora/spam-assassin-corpus';
import {
  decodeUtf8,
  fetchStaticFile,
  fetchStaticManifest,
  type StaticFetchOptions,
  staticFileUrl,
} from './fetch-static-files';
import {
  type StaticDatasetEntry,
  type StaticDatasetId,
  type StaticManifest,
  splitByLengths,
} from './static-layout';

/** Options of {@link createBrowserDatasets}. */
export type BrowserDatasetsOptions = StaticFetchOptions;

/**
 * The real datasets, fetched lazily from a static export: each method returns the same type as
 * its Node loader (`loadMnist`, `loadFashionMnist`, `loadMobyDick`, `loadNames`, `loadSotu`,
 * `loadSpamAssassin`), as a promise.
 */
export type BrowserDatasets = {
  /** The export's root URL, with a trailing `/`. */
  readonly baseUrl: string;
  /** The export's `manifest.json` (fetched once). */
  manifest(): Promise<StaticManifest>;
  /** MNIST, as `loadMnist(split)`. */
  mnist(split: 'train' | 'test'): Promise<ImageDataset>;
  /** Fashion-MNIST with selfsup's seeded split, as `loadFashionMnist(split)`. */
  fashionMnist(split: 'train' | 'test'): Promise<ImageDataset>;
  /** Moby Dick and its 90/10 split, as `loadMobyDick()`. */
  mobyDick(): Promise<MobyDickCorpus>;
  /** English first names, as `loadNames(options)`. */
  names(options?: LoadNamesOptions): Promise<NamesCorpus>;
  /** State of the Union addresses, as `loadSotu()`. */
  sotu(): Promise<SotuCorpus>;
  /** SpamAssassin with its leak-free split, as `loadSpamAssassin(options)`. */
  spamAssassin(options?: LoadSpamAssassinOptions): Promise<SpamAssassinCorpus>;
};

/**
 * The datasets of a static export (written by `exportStaticDatasets` or
 * `node packages/data/scripts/export-static.mjs <dir>`), for a web page: the same data and types
 * as the Node loaders, fetched on first use.
 *
 * Nothing is fetched when this is called. The first call of a method fetches the manifest and
 * that dataset's files (e.g. `mnist('test')` fetches 7.8 MB, not the training split), checks
 * their sizes and SHA-256 against the manifest, and parses them with the same code as the Node
 * loaders (IDX bytes stay one `Uint8Array`; texts are split by the index's lengths). Results are
 * cached per dataset and options; a failed fetch is not cached, so a retry fetches again.
 *
 * @param baseUrl the export's root: absolute, or relative to the page (e.g. `'/datasets/'` for a
 *   Vite app serving `public/datasets/`).
 * @param options `fetch` (default `globalThis.fetch`), `verify` (SHA-256 checks, default true;
 *   needs https or localhost).
 * @returns the lazy datasets.
 * @example
 * const datasets = createBrowserDatasets('/datasets/');
 * const test = await datasets.mnist('test');
 * test.count; // 10000
 * const { train } = await datasets.mobyDick();
 */
export function createBrowserDatasets(
  baseUrl: string | URL,
  options: BrowserDatasetsOptions = {},
): BrowserDatasets {
  const root = staticFileUrl(baseUrl, '');
  const cache = new Map<string, Promise<unknown>>();
  const memo = <T>(key: string, make: () => Promise<T>): Promise<T> => {
    let promise = cache.get(key) as Promise<T> | undefined;
    if (promise === undefined) {
      promise = make();
      cache.set(key, promise);
      promise.catch(() => cache.delete(key));
    }
    return promise;
  };
  const manifest = () => memo('manifest', () => fetchStaticManifest(root, options));
  const entry = async (id: StaticDatasetId): Promise<StaticDatasetEntry> => {
    const found = (await manifest()).datasets[id];
    if (found === undefined) {
      throw new Error(
        `${staticFileUrl(root, 'manifest.json')} has no ${id}: export it (node packages/data/scripts/export-static.mjs <dir> --datasets ${id}).`,
      );
    }
    return found;
  };
  const bytes = (id: StaticDatasetId, role: string): Promise<Uint8Array> =>
    memo(`file:${id}:${role}`, async () => {
      const file = (await entry(id)).files[role];
      if (file === undefined) {
        throw new Error(
          `manifest.json lists no ${role} file for ${id}; the export is incomplete, export ${id} again.`,
        );
      }
      return fetchStaticFile(root, file, options);
    });
  const text = async (id: StaticDatasetId, role: string) => decodeUtf8(await bytes(id, role));
  const index = async (id: StaticDatasetId, role: string): Promise<Record<string, unknown[]>> => {
    const value = JSON.parse(await text(id, role)) as unknown;
    if (value === null || typeof value !== 'object') {
      throw new Error(`The ${role} of ${id} is not a JSON object; export ${id} again.`);
    }
    return value as Record<string, unknown[]>;
  };
  const images = (id: 'mnist' | 'fashion-mnist', split: 'train' | 'test') =>
    memo(`${id}:${split}`, async () => {
      if (split !== 'train' && split !== 'test') {
        throw new RangeError(`${id} split must be 'train' or 'test', got ${String(split)}.`);
      }
      const [imageBytes, labelBytes] = await Promise.all([
        bytes(id, `${split}-images`),
        bytes(id, `${split}-labels`),
      ]);
      const classNames = id === 'mnist' ? mnistClassNames : fashionMnistClassNames;
      return imageDatasetFromIdx(id, split, classNames, imageBytes, labelBytes);
    });
  return {
    baseUrl: root,
    manifest,
    mnist: (split) => images('mnist', split),
    fashionMnist: (split) => images('fashion-mnist', split),
    mobyDick: () => memo('moby-dick', async () => mobyDickCorpus(await text('moby-dick', 'text'))),
    names: (namesOptions = {}) =>
      memo(`names:${namesOptions.lowercase ?? true}`, async () => {
        const [male, female] = await Promise.all([text('names', 'male'), text('names', 'female')]);
        return namesCorpus(male, female, namesOptions);
      }),
    sotu: () =>
      memo('sotu', async () => {
        const [all, columns] = await Promise.all([text('sotu', 'text'), index('sotu', 'index')]);
        const texts = splitByLengths(all, column(columns, 'length', 'number'), 'sotu');
        const years = column(columns, 'year', 'number');
        const presidents = column(columns, 'president', 'string');
        const parties = column(columns, 'party', 'string');
        return sotuCorpus(
          texts.map(
            (addressText, i): SotuAddress => ({
              year: years[i]!,
              president: presidents[i]!,
              party: parties[i]!,
              text: addressText,
            }),
          ),
        );
      }),
    spamAssassin: (spamOptions = {}) =>
      memo(`spam-assassin:${spamOptions.headers ?? 'strip'}`, async () => {
        const [all, columns] = await Promise.all([
          text('spam-assassin', 'text'),
          index('spam-assassin', 'index'),
        ]);
        const texts = splitByLengths(all, column(columns, 'length', 'number'), 'spam-assassin');
        const ids = column(columns, 'id', 'string');
        const groups = column(columns, 'group', 'string');
        const records = texts.map((messageText, i): SpamAssassinRecord => {
          const group = groups[i]!;
          if (!spamAssassinGroups.includes(group as SpamAssassinGroup)) {
            throw new Error(
              `spam-assassin message ${i} has an unknown group ${JSON.stringify(group)}; export spam-assassin again.`,
            );
          }
          return { id: ids[i]!, group: group as SpamAssassinGroup, text: messageText };
        });
        return spamAssassinCorpus(records, spamOptions);
      }),
  };
}

/** A column of a text index, checked for its type and for the length of the `length` column. */
function column<T extends 'number' | 'string'>(
  columns: Record<string, unknown[]>,
  name: string,
  type: T,
): (T extends 'number' ? number : string)[] {
  const values = columns[name];
  const count = columns.length?.length;
  if (
    !Array.isArray(values) ||
    values.length !== count ||
    values.some((value) => typeof value !== type)
  ) {
    throw new Error(
      `The text index lacks a column ${JSON.stringify(name)} of ${count ?? '?'} ${type}s; the export is damaged, export it again.`,
    );
  }
  return values as (T extends 'number' ? number : string)[];
}

/** An {@link ImageDataset} from the bytes of its images and labels IDX files, checked. */
function imageDatasetFromIdx(
  id: string,
  split: 'train' | 'test',
  classNames: readonly string[],
  imageBytes: Uint8Array,
  labelBytes: Uint8Array,
): ImageDataset {
  const images = parseIdxBytes(imageBytes, `${id}/${split}-images`);
  const labels = parseIdxBytes(labelBytes, `${id}/${split}-labels`);
  const [count, height, width, channels = 1] = images.shape;
  if (
    count === undefined ||
    height === undefined ||
    width === undefined ||
    images.shape.length > 4 ||
    labels.shape.length !== 1 ||
    labels.shape[0] !== count
  ) {
    throw new Error(
      `${id}/${split}: images of shape ${JSON.stringify(images.shape)} and labels of shape ${JSON.stringify(labels.shape)} do not match; export ${id} again.`,
    );
  }
  for (const label of labels.values) {
    if (label >= classNames.length) {
      throw new Error(`${id}/${split}: label ${label} is not a class; export ${id} again.`);
    }
  }
  return {
    id,
    split,
    count,
    height,
    width,
    channels,
    images: images.values,
    labels: labels.values,
    classNames,
  };
}
