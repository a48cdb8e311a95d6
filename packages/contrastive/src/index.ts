export { alignment, uniformity } from './alignment-uniformity';
export type { ClipBatch, ClipObjective, ClipOptions } from './clip';
export { createClip } from './clip';
export type { ClipEmbedder, ClipEmbedOptions } from './clip-embedder';
export { embedInBatches } from './clip-embedder';
export type { LogitScaleArgs } from './clip-logit-scale';
export {
  clipInitialLogLogitScale,
  clipMaximumLogLogitScale,
  LogitScale,
  registerClipLayers,
} from './clip-logit-scale';
export type { ClipLossResult } from './clip-loss';
export { clipLoss, l2NormalizeRows } from './clip-loss';
export type { RetrievalOptions, RetrievalResult } from './clip-retrieval';
export { recallAtK, retrieve } from './clip-retrieval';
export type { ClipTextEncoderOptions } from './clip-text-encoder';
export { createClipTextEncoder } from './clip-text-encoder';
export { clipTokenize } from './clip-tokenize';
export type { ZeroShotOptions } from './clip-zero-shot';
export {
  clipDefaultTemplates,
  zeroShotAccuracy,
  zeroShotClassEmbeddings,
  zeroShotClassify,
} from './clip-zero-shot';
export type { CpcBatch, CpcObjective, CpcOptions } from './cpc';
export { createCpc } from './cpc';
export type {
  CpcContextNetwork,
  CpcEncoderOptions,
  CpcPooling,
  CpcRepresentation,
} from './cpc-encoder';
export {
  CpcEncoder,
  cpcContextNetworks,
  cpcEncoders,
  cpcEncoderType,
  createCpcEncoder,
} from './cpc-encoder';
export type { CpcInfoNceResult } from './cpc-info-nce';
export { cpcInfoNce } from './cpc-info-nce';
export type { CpcWaveformStandardizationOptions } from './cpc-waveform-standardization';
export { CpcWaveformStandardization, registerCpcLayers } from './cpc-waveform-standardization';
export type { MocoBatch, MocoObjective, MocoOptions } from './moco';
export { createMoco } from './moco';
export type { MocoInfoNceResult } from './moco-info-nce-loss';
export { mocoInfoNceLoss } from './moco-info-nce-loss';
export type { MocoQueueOptions, MocoQueueState } from './moco-queue';
export { MocoQueue } from './moco-queue';
export { momentumUpdate } from './momentum-update';
export type { NtXentResult } from './nt-xent-loss';
export { ntXentLoss } from './nt-xent-loss';
export type { ProjectionHeadOptions } from './projection-head';
export { createProjectionHead } from './projection-head';
export type { SimclrBatch, SimclrOptions } from './simclr';
export { createSimclr } from './simclr';
