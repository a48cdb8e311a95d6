export type { ExportStaticDatasetsOptions } from './browser/export-static-datasets';
export { exportStaticDatasets } from './browser/export-static-datasets';
export type {
  StaticDatasetEntry,
  StaticDatasetId,
  StaticFile,
  StaticManifest,
} from './browser/static-layout';
export { staticDatasetIds, staticFilePaths } from './browser/static-layout';
export type { ImageBatch, ImageBatchSourceOptions } from './image-batch-source';
export { imageBatchSource, imagesToTensor } from './image-batch-source';
export { mnistClassNames } from './image-class-names';
export type { DatasetDescription, ImageDataset } from './image-dataset';
export { describeImageDataset, selectImages } from './image-dataset';
export * from './index-corpora';
export * from './index-synthetic';
export * from './index-tokenizers';
export * from './index-user-data';
export { loadMnist } from './mnist';
export { parseIdxBytes } from './parse-idx-bytes';
export type { IdxArray } from './read-idx-file';
export { readIdxFile } from './read-idx-file';
