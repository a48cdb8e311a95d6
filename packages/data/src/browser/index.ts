/**
 * `@selfsup/data/browser`: the datasets, synthetic generators and tokenizers of `@selfsup/data`
 * for web pages. Nothing here imports `node:` modules (a test bundles this entry for the browser
 * and fails on any). Real datasets come from a static export (`createBrowserDatasets(baseUrl)`),
 * with the same types as the Node loaders; MNIST-based generators take `dataset` explicitly.
 */

export type { ImageBatch, ImageBatchSourceOptions } from '../image-batch-source';
export { imageBatchSource, imagesToTensor } from '../image-batch-source';
export { fashionMnistClassNames, mnistClassNames } from '../image-class-names';
export type { DatasetDescription, ImageDataset } from '../image-dataset';
export { describeImageDataset, selectImages } from '../image-dataset';
export type { IdxArray } from '../parse-idx-bytes';
export { parseIdxBytes } from '../parse-idx-bytes';
export {
  audioFeatureMatrix,
  audioSpectralFeatureNames,
  audioSpectralFeatures,
  powerSpectrogram,
} from '../synthetic/audio-features';
export { allCaptions, fillTemplate, tokenizeCaptions } from '../synthetic/caption-templates';
export type { CaptionedMnistExample } from '../synthetic/captioned-mnist-generator';
export {
  captionedMnistSource,
  captionedMnistTestSet,
  captionMnistImage,
  mnistCaptionWords,
  mnistPromptTemplates,
  mnistTrainingTemplates,
  mnistZeroShotPrompts,
} from '../synthetic/captioned-mnist-generator';
export type {
  DefaultMnist,
  MovingMnistBatch,
  MovingMnistExample,
  MovingMnistOptions,
  MovingMnistSet,
} from '../synthetic/moving-mnist-generator';
export {
  movingMnistExample,
  movingMnistSetToTensors,
  movingMnistSource,
  movingMnistTestSet,
  shuffleFrameOrder,
} from '../synthetic/moving-mnist-generator';
export type {
  CaptionBatch,
  CaptionedImageSet,
  CaptionSourceOptions,
  ShapesExample,
  ShapesOptions,
} from '../synthetic/shapes';
export {
  shapeCaptionWords,
  shapeColours,
  shapeNames,
  shapePromptTemplates,
  shapesExample,
  shapesSource,
  shapesTestSet,
  shapesZeroShotPrompts,
  shapeTrainingTemplates,
} from '../synthetic/shapes';
export type {
  AudioBatch,
  SyntheticAudioExample,
  SyntheticAudioOptions,
  SyntheticAudioSet,
} from '../synthetic/synthetic-audio';
export {
  audioSetToTensor,
  syntheticAudioClassNames,
  syntheticAudioExample,
  syntheticAudioSource,
  syntheticAudioTestSet,
} from '../synthetic/synthetic-audio';
export type { MobyDickCorpus } from '../text-corpora/moby-dick-corpus';
export { mobyDickTrainFraction } from '../text-corpora/moby-dick-corpus';
export type { LoadNamesOptions, NamesCorpus } from '../text-corpora/names-corpus';
export type { SotuAddress, SotuCorpus } from '../text-corpora/sotu-corpus';
export type {
  LoadSpamAssassinOptions,
  SpamAssassinCorpus,
  SpamAssassinGroup,
  SpamAssassinMessage,
} from '../text-corpora/spam-assassin-corpus';
export {
  bodyKey,
  messageBody,
  spamAssassinClassNames,
  spamAssassinGroups,
  spamAssassinTestFraction,
} from '../text-corpora/spam-assassin-corpus';
export type { TextCorpusDescription, TextSplitDescription } from '../text-corpora/text-statistics';
export {
  distinctCharacters,
  encodeCharacters,
  totalCharacters,
} from '../text-corpora/text-statistics';
export type {
  TokenWindowBatch,
  TokenWindowSourceOptions,
} from '../text-corpora/token-window-source';
export { tokenWindowSource } from '../text-corpora/token-window-source';
export type { BytePairEncodingTokenizerOptions } from '../tokenizers/byte-pair-encoding-tokenizer';
export { trainBytePairEncodingTokenizer } from '../tokenizers/byte-pair-encoding-tokenizer';
export type { CharacterTokenizerOptions } from '../tokenizers/character-tokenizer';
export { trainCharacterTokenizer } from '../tokenizers/character-tokenizer';
export { HuggingFaceTokenizer, tokenizerFromJson } from '../tokenizers/hugging-face-tokenizer';
export type { SpecialTokenKind } from '../tokenizers/special-tokens';
export { defaultSpecialTokens } from '../tokenizers/special-tokens';
export type {
  CheckedTokenizerJson,
  TokenizerJson,
  TokenizerJsonAddedToken,
  TokenizerJsonBytePairEncodingModel,
  TokenizerJsonComponent,
  TokenizerJsonWordPieceModel,
} from '../tokenizers/tokenizer-json';
export { checkTokenizerJson } from '../tokenizers/tokenizer-json';
export type { TrainingCorpus } from '../tokenizers/training-corpus';
export type { WordPieceTokenizerOptions } from '../tokenizers/word-piece-tokenizer';
export { trainWordPieceTokenizer } from '../tokenizers/word-piece-tokenizer';
export type { BrowserDatasets, BrowserDatasetsOptions } from './browser-datasets';
export { createBrowserDatasets } from './browser-datasets';
export type { StaticFetchOptions } from './fetch-static-files';
export {
  decodeUtf8,
  fetchStaticFile,
  fetchStaticManifest,
  staticFileUrl,
} from './fetch-static-files';
export { fetchTokenizer, tokenizerFromText } from './fetch-tokenizer';
export type {
  StaticDatasetEntry,
  StaticDatasetId,
  StaticFile,
  StaticManifest,
  StaticTextIndex,
} from './static-layout';
export {
  splitByLengths,
  staticDatasetIds,
  staticFilePaths,
  staticManifestFileName,
} from './static-layout';
