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
 * Views for handwritten digits (MNIST, 28×28×1): no flip (a mirrored 2, 3, 5 or 7 is not the
 * same digit), crops of 40–100% of the area (the stroke fills only the central ~20×20 pixels,
 * so smaller crops often see background only), brightness/contrast jitter (p 0.8) and a light
 * blur (sigma 0.1–1, p 0.5). A starting point derived from SimCLR's recipe, not a paper's.
 *
 * @example const views = createImageViews(mnistViewPreset);
 */
export const mnistViewPreset = {
  crop: { scale: [0.4, 1], ratio: [3 / 4, 4 / 3] },
  colorJitter: { brightness: 0.4, contrast: 0.4, probability: 0.8 },
  blur: { sigma: [0.1, 1], kernelFraction: 0.1, probability: 0.5 },
} as const satisfies ImageViewOptions;
