import { basename, resolve } from 'node:path';
import type { ImageDataset } from '../image-dataset';
import { listDataFiles, type SkippedFile, unsupportedFileError } from './data-files';
import {
  convertImage,
  decodeImageFile,
  imageExtensions,
  type RgbaImage,
} from './decode-image-file';

/** Options of {@link loadImageFolder}. */
export type LoadImageFolderOptions = {
  /** Resize every image to `[height, width]`; required when the images differ in size. */
  readonly size?: readonly [number, number];
  /** How to resize. @default 'bilinear' */
  readonly resize?: 'bilinear' | 'nearest';
  /** 1 (grey, luma) or 3 (RGB); alpha is dropped. @default 3 */
  readonly channels?: 1 | 3;
  /** Skip unreadable, corrupt or unsupported files (listed in `skipped`) instead of throwing. @default false */
  readonly skipBadFiles?: boolean;
  /** The dataset's `split`. @default 'train' */
  readonly split?: 'train' | 'test';
};

/** An {@link ImageDataset} loaded from a folder, with its files and the files it skipped. */
export type ImageFolderDataset = ImageDataset & {
  /** The file of each image, in dataset order. */
  readonly files: readonly string[];
  /** Files left out because `skipBadFiles` was on, with the reason. */
  readonly skipped: readonly SkippedFile[];
};

const maximumClasses = 256;

/**
 * Loads a folder of PNG/JPEG images (the user's own data) as an {@link ImageDataset}, ready for
 * `imageBatchSource`.
 *
 * Layout: if the folder holds subfolders, each subfolder is a class (names sorted by code point
 * give the class indices; files at any depth below a subfolder belong to it). A flat folder is
 * unlabeled: every label is 0 and `classNames` is `[]`. Files are read one at a time and written
 * into one `Uint8Array` (`[count, height, width, channels]`), never as JS numbers. Images of
 * different sizes need `size`. Decoding uses `pngjs` and `jpeg-js` (see {@link decodeImageFile}).
 *
 * @param path a folder of images, or of one subfolder per class.
 * @param options size, resize method, channels, skipBadFiles, split; see {@link LoadImageFolderOptions}.
 * @returns the dataset (id: the folder's name), the file of each image and the skipped files.
 * @example
 * const pets = loadImageFolder('pets', { size: [64, 64] }); // pets/cat/*.jpg, pets/dog/*.png
 * pets.classNames; // ['cat', 'dog']
 */
export function loadImageFolder(
  path: string,
  options: LoadImageFolderOptions = {},
): ImageFolderDataset {
  const {
    size,
    resize = 'bilinear',
    channels = 3,
    skipBadFiles = false,
    split = 'train',
  } = options;
  const loader = 'loadImageFolder';
  if (size !== undefined) {
    const [height, width] = size;
    if (!(Number.isInteger(height) && height > 0 && Number.isInteger(width) && width > 0)) {
      throw new RangeError(
        `${loader}(${path}): size must be two positive integers [height, width], got [${size.join(', ')}].`,
      );
    }
  }
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`${loader}(${path}): channels must be 1 or 3, got ${String(channels)}.`);
  }
  const listing = listDataFiles(path, imageExtensions, loader);
  if (listing.classNames.length > maximumClasses) {
    throw new Error(
      `${loader}: ${path} has ${listing.classNames.length} class subfolders, but labels are bytes (at most ${maximumClasses}); merge classes.`,
    );
  }
  const skipped: SkippedFile[] = [];
  for (const file of listing.unsupported) {
    const error = unsupportedFileError(file, imageExtensions, loader);
    if (!skipBadFiles) throw error;
    skipped.push({ file, reason: error.message });
  }
  let height = size?.[0] ?? 0;
  let width = size?.[1] ?? 0;
  let firstFile = '';
  let images = new Uint8Array(0);
  const labels = new Uint8Array(listing.files.length);
  const files: string[] = [];
  for (const { path: file, classIndex } of listing.files) {
    let image: RgbaImage;
    try {
      image = decodeImageFile(file);
    } catch (error) {
      if (!skipBadFiles) throw error;
      skipped.push({ file, reason: (error as Error).message });
      continue;
    }
    if (files.length === 0) {
      if (size === undefined) {
        height = image.height;
        width = image.width;
      }
      firstFile = file;
      images = new Uint8Array(listing.files.length * height * width * channels);
    } else if (size === undefined && (image.height !== height || image.width !== width)) {
      throw new Error(
        `${loader}: ${file} is ${image.height}×${image.width} but ${firstFile} is ${height}×${width}; ` +
          `pass size: [${height}, ${width}] (or another [height, width]) to resize every image.`,
      );
    }
    const pixels = height * width * channels;
    convertImage(
      image,
      height,
      width,
      channels,
      resize,
      images.subarray(files.length * pixels, (files.length + 1) * pixels),
    );
    labels[files.length] = classIndex;
    files.push(file);
  }
  if (files.length === 0) {
    throw new Error(
      `${loader}: no readable PNG or JPEG image in ${path} (${skipped.length} skipped, the first: ${skipped[0]?.reason ?? 'none'}); fix or replace those files.`,
    );
  }
  const count = files.length;
  const used = count * height * width * channels;
  return {
    id: basename(resolve(path)),
    split,
    count,
    height,
    width,
    channels,
    images: used === images.length ? images : images.slice(0, used),
    labels: count === labels.length ? labels : labels.slice(0, count),
    classNames: listing.classNames,
    files,
    skipped,
  };
}
