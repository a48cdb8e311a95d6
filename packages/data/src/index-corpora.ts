export { cacheDirectoryVariable, resolveCacheDirectory, writeFileAtomic } from './dataset-cache';
export type { LoadFashionMnistOptions } from './fashion-mnist';
export { fashionMnistCachePaths, fashionMnistClassNames, loadFashionMnist } from './fashion-mnist';
export type { MobyDickCorpus } from './text-corpora/moby-dick';
export { loadMobyDick, mobyDickTrainFraction } from './text-corpora/moby-dick';
export type { LoadNamesOptions, NamesCorpus } from './text-corpora/names';
export { loadNames } from './text-corpora/names';
export type { SotuAddress, SotuCorpus } from './text-corpora/sotu';
export { loadSotu } from './text-corpora/sotu';
export type {
  LoadSpamAssassinOptions,
  SpamAssassinCorpus,
  SpamAssassinGroup,
  SpamAssassinMessage,
} from './text-corpora/spam-assassin';
export {
  bodyKey,
  loadSpamAssassin,
  messageBody,
  spamAssassinClassNames,
  spamAssassinGroups,
  spamAssassinTestFraction,
} from './text-corpora/spam-assassin';
export type { TextCorpusDescription, TextSplitDescription } from './text-corpora/text-corpus';
export {
  datasetPackageDirectory,
  distinctCharacters,
  encodeCharacters,
  totalCharacters,
} from './text-corpora/text-corpus';
export type {
  TokenWindowBatch,
  TokenWindowSourceOptions,
} from './text-corpora/token-window-source';
export { tokenWindowSource } from './text-corpora/token-window-source';
