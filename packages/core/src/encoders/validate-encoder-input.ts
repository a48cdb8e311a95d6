import type * as tf from '@tensorflow/tfjs';
import type { EncoderV1 } from '../spec/encoder-v1';

/**
 * Throws a clear error when `input` does not fit the encoder's input spec: rank, fixed axis
 * sizes and dtype (`[B, ...inputSpec.shape]`).
 */
export function validateEncoderInput(encoder: EncoderV1, input: tf.Tensor): void {
  const { shape, dtype, modality } = encoder.inputSpec;
  const expected = `[batch, ${shape.map((size) => size ?? 'any').join(', ')}]`;
  if (input.rank !== shape.length + 1) {
    throw new Error(
      `The '${encoder.type}' encoder takes ${modality} of shape ${expected}, got a tensor of shape ${JSON.stringify(input.shape)}. Reshape the input (e.g. add the channel axis).`,
    );
  }
  shape.forEach((size, axis) => {
    if (size !== null && input.shape[axis + 1] !== size) {
      throw new Error(
        `The '${encoder.type}' encoder takes ${modality} of shape ${expected}, but axis ${axis + 1} of the input has size ${input.shape[axis + 1]}.`,
      );
    }
  });
  if (input.dtype !== dtype) {
    throw new Error(
      `The '${encoder.type}' encoder takes ${dtype} ${modality}, got ${input.dtype}. Cast the input (tensor.cast('${dtype}')).`,
    );
  }
}
