/**
 * Supervised and semi-supervised baselines as `labelEfficiency` runners: the strong supervised
 * baseline (scratch + augmentation + early stopping), Pseudo-Label (Lee 2013), FixMatch (Sohn et
 * al. 2020) and MixMatch (Berthelot et al. 2019), with their mechanics as pure, tested functions.
 */
export type { ClassifierModelParts } from './classifier-model';
export { createClassifierModel } from './classifier-model';
export type { CutoutOptions } from './cutout';
export { cutout } from './cutout';
export { fixMatchMask } from './fix-match-mask';
export type { FixMatchRunnerOptions } from './fix-match-runner';
export { createFixMatchRunner } from './fix-match-runner';
export type { StrongImageAugmentOptions, WeakImageAugmentOptions } from './image-augmentations';
export {
  createStrongImageAugment,
  createWeakImageAugment,
  strongDigitViewOptions,
} from './image-augmentations';
export type { MixMatchRunnerOptions } from './mix-match-runner';
export { createMixMatchRunner } from './mix-match-runner';
export type { MixedBatch } from './mixup';
export { mixup } from './mixup';
export type { PseudoLabelRunnerOptions } from './pseudo-label-runner';
export { createPseudoLabelRunner } from './pseudo-label-runner';
export type { PseudoLabelSelection } from './pseudo-labels';
export { selectPseudoLabels } from './pseudo-labels';
export type { SemiSupervisedRunnerOptions } from './runner-options';
export { sampleBeta } from './sample-beta';
export type {
  SemiSupervisedRun,
  SemiSupervisedStep,
  SemiSupervisedStepLoss,
  SemiSupervisedTrainingOptions,
} from './semi-supervised-training';
export { trainSemiSupervised } from './semi-supervised-training';
export { sharpen } from './sharpen';
export { softCrossEntropy } from './soft-cross-entropy';
export type { SupervisedRunnerOptions } from './supervised-runner';
export { createSupervisedRunner } from './supervised-runner';
