export type { ImageBatch, ImageBatchSourceOptions } from './image-batch-source';
export { imageBatchSource, imagesToTensor } from './image-batch-source';
export type { DatasetDescription, ImageDataset } from './image-dataset';
export { describeImageDataset, selectImages } from './image-dataset';
export { loadMnist } from './mnist';
export type { IdxArray } from './read-idx-file';
export { readIdxFile } from './read-idx-file';
export * from './index-tokenizers';
export * from './index-corpora';
