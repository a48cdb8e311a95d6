import type * as tf from '@tensorflow/tfjs';

/**
 * Draws a batch of grey images `[N, H, W, 1]` with values in [0, 1] as one `<canvas>` each
 * (scaled up by CSS with crisp pixels), each with an accessible name.
 *
 * @param images The images; not disposed.
 * @param labelOf The accessible name of image `i`.
 * @returns The canvases, in order.
 * @example
 * gallery.replaceChildren(...(await drawImages(views, (i) => `view ${i + 1}`)));
 */
export async function drawImages(
  images: tf.Tensor4D,
  labelOf: (index: number) => string,
): Promise<HTMLCanvasElement[]> {
  const [count, height, width] = images.shape;
  const values = await images.data();
  const canvases: HTMLCanvasElement[] = [];
  for (let index = 0; index < count; index++) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.className = 'digit';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', labelOf(index));
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('This browser gives no 2-D canvas context.');
    const pixels = context.createImageData(width, height);
    const offset = index * height * width;
    for (let i = 0; i < height * width; i++) {
      const grey = Math.round(255 * Math.min(1, Math.max(0, values[offset + i]!)));
      pixels.data[4 * i] = grey;
      pixels.data[4 * i + 1] = grey;
      pixels.data[4 * i + 2] = grey;
      pixels.data[4 * i + 3] = 255;
    }
    context.putImageData(pixels, 0, 0);
    canvases.push(canvas);
  }
  return canvases;
}
