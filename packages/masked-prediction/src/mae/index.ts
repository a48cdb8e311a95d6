/** MAE (He et al. 2022): masked autoencoders on ViT patches. */
export type {
  MaeBatch,
  MaeForwardOptions,
  MaeForwardResult,
  MaeObjective,
} from './mae';
export { createMae } from './mae';
export type { MaeDecoderGeometry } from './mae-decoder';
export { MaeDecoder } from './mae-decoder';
export { maskedPatchLoss, normalizePatches } from './mae-loss';
export type { MaeMaskTokenArgs } from './mae-mask-token';
export { MaeMaskToken, registerMaeLayers } from './mae-mask-token';
export type { MaeOptions, MaeSettings } from './mae-options';
export { checkMaskRatio, resolveMaeSettings } from './mae-options';
export type { MaeReconstruction, MaeReconstructOptions } from './mae-reconstruct';
export { maeReconstruct } from './mae-reconstruct';
export type { PixelGrid, ReconstructionGridOptions } from './reconstruction-grid';
export { reconstructionGrid } from './reconstruction-grid';
export { sincosPositions } from './sincos-positions';
