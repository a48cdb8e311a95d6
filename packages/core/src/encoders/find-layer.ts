import type * as tf from '@tensorflow/tfjs';

/**
 * The layer `name` of a model, checked to be of `type`: how encoders with extra paths (cached
 * generation, patch subsets) find their parts in a model built or loaded for them.
 *
 * @param model the encoder's model.
 * @param name the layer's name.
 * @param type the class the layer must be an instance of.
 * @param encoder the encoder class and its factory, for the error message.
 * @throws an Error naming the missing or mistyped layer and how to build a compatible model.
 */
export function findLayer<T>(
  model: tf.LayersModel,
  name: string,
  type: abstract new (...args: never[]) => T,
  encoder: { readonly className: string; readonly factory: string },
): T {
  let layer: tf.layers.Layer;
  try {
    layer = model.getLayer(name);
  } catch {
    throw new Error(
      `${encoder.className}: the model has no layer '${name}'; pass a model built by ${encoder.factory} ` +
        '(loaded after registerLayers()) and the config saved with it.',
    );
  }
  if (!(layer instanceof type)) {
    throw new Error(
      `${encoder.className}: layer '${name}' is a ${layer.getClassName()}, not the expected type.`,
    );
  }
  return layer;
}
