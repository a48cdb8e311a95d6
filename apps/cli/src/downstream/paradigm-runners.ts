import {
  bagOfWordsFeatures,
  createClusteringRunner,
  createFixMatchRunner,
  createMixMatchRunner,
  createPcaProbeRunner,
  createPseudoLabelRunner,
  createSupervisedRunner,
  withInputFeatures,
} from '@selfsup/baselines';
import type { EncoderV1, LabelEfficiencyRunner } from '@selfsup/core';
import { UsageError } from '../commands/parse-flags';
import type { TextInputs } from './text-inputs';

/** Baselines of the other paradigms that `selfsup compare --paradigms` can add to a study. */
export const baselineParadigms = [
  'supervised',
  'pca',
  'k-means',
  'gaussian-mixture',
  'pseudo-label',
  'fixmatch',
  'mixmatch',
] as const;

/** The baselines that augment images (weak/strong image augmentations, mixup of images). */
export const imageOnlyParadigms: readonly BaselineParadigm[] = ['fixmatch', 'mixmatch'];

/**
 * The paradigms that can run on encoders of `modality`: the image-only baselines are left out for
 * other inputs (what `selfsup compare --paradigms all` runs).
 *
 * @param paradigms the requested paradigms.
 * @param modality the encoders' input modality.
 * @returns the kept ones and the ones left out, in order.
 * @example applicableParadigms(['full', 'fixmatch'], 'tokens'); // { kept: ['full'], left: ['fixmatch'] }
 */
export function applicableParadigms<Name extends string>(
  paradigms: readonly Name[],
  modality: string,
): { kept: Name[]; left: Name[] } {
  const imageOnly = (paradigm: string) =>
    modality !== 'image' && (imageOnlyParadigms as readonly string[]).includes(paradigm);
  return {
    kept: paradigms.filter((paradigm) => !imageOnly(paradigm)),
    left: paradigms.filter(imageOnly),
  };
}

/** One of {@link baselineParadigms}. */
export type BaselineParadigm = (typeof baselineParadigms)[number];

/** What a baseline runner is built from: the scratch architecture and the input modality. */
export type BaselineContext = {
  /** A fresh encoder of the compared architecture (random initialisation from `seed`). */
  readonly createEncoder: (seed: number) => EncoderV1 | Promise<EncoderV1>;
  /** The encoders' input modality: FixMatch and MixMatch augment images only. */
  readonly modality: string;
  /**
   * How the compared text encoders read documents: the unsupervised baselines then read each
   * document's bag of words over the same vocabulary (PCA of it is latent semantic analysis).
   */
  readonly text?: TextInputs;
};

/**
 * The label-efficiency runner of a baseline paradigm, from `@selfsup/baselines`: supervised
 * training of the same architecture with augmentation and early stopping (the strong supervised
 * baseline); the unsupervised quadrant (PCA + linear probe; K-Means and a Gaussian mixture,
 * cluster-then-label, on 50 PCA dimensions of the unlabeled pool); the semi-supervised quadrant
 * (pseudo-labels, FixMatch, MixMatch with their packages' defaults: 300 steps per run). On text,
 * PCA and the clusterers read bags of words (baselines' `bagOfWordsFeatures`; PCA fitted on the
 * first 1,000 documents of the pool): those runners hold the features until their `dispose()`.
 *
 * @param paradigm the baseline's name.
 * @param context the architecture and modality of the study.
 * @returns its runner.
 * @throws UsageError for an image-only method on another modality.
 * @example baselineRunner('k-means', { createEncoder, modality: 'image' }).modes; // ['cluster-then-label']
 */
export function baselineRunner(
  paradigm: BaselineParadigm,
  context: BaselineContext,
): LabelEfficiencyRunner {
  const { createEncoder, modality, text } = context;
  const vectors = (runner: LabelEfficiencyRunner): LabelEfficiencyRunner =>
    text === undefined
      ? runner
      : withInputFeatures(
          runner,
          bagOfWordsFeatures(text.vocabularySize, { paddingId: text.paddingId }),
        );
  // Bags of words have thousands of dimensions: PCA is fitted on 1,000 documents of the pool
  // (through their 1,000 × 1,000 Gram matrix), images on up to 10,000.
  const fit = text === undefined ? {} : { fitLimit: 1000 };
  const imagesOnly = (name: string) => {
    if (modality !== 'image') {
      throw new UsageError(
        `--paradigms ${name} augments images, but these encoders take '${modality}' inputs: use pseudo-label (any modality) instead.`,
      );
    }
  };
  switch (paradigm) {
    case 'supervised':
      return createSupervisedRunner({
        createEncoder,
        ...(modality === 'image' ? {} : { augment: false }),
      });
    case 'pca':
      return vectors(createPcaProbeRunner({ components: 50, ...fit }));
    case 'k-means':
      return vectors(createClusteringRunner({ algorithm: 'k-means', ...fit }));
    case 'gaussian-mixture':
      return vectors(createClusteringRunner({ algorithm: 'gaussian-mixture', ...fit }));
    case 'pseudo-label':
      return createPseudoLabelRunner({ createEncoder });
    case 'fixmatch':
      imagesOnly('fixmatch');
      return createFixMatchRunner({ createEncoder });
    case 'mixmatch':
      imagesOnly('mixmatch');
      return createMixMatchRunner({ createEncoder });
  }
}
