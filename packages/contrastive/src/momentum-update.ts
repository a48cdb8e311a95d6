import * as tf from '@tensorflow/tfjs';

/**
 * Moves a momentum (EMA) network towards its online network, in place:
 * `θ_target ← m·θ_target + (1 − m)·θ_source` for every trainable weight of `source` (He et al. 2020,
 * "Momentum Contrast for Unsupervised Visual Representation Learning", eq. 2).
 *
 * Weights are paired by name (`conv_1/kernel`…), not by position: a frozen model (`trainable =
 * false`) lists its weights in another order. Only the source's trainable weights are averaged,
 * as in MoCo's code (`encoder_q.parameters()`): the target's non-trainable weights (BatchNorm
 * moving statistics) follow its own forward passes. Every pair is checked before anything is
 * written. Call it outside a gradient tape (e.g. in `ObjectiveV1.doAfterStep`).
 *
 * @param target the momentum network (same architecture and layer names as `source`).
 * @param source the online network trained by the optimizer.
 * @param momentum `m` in [0, 1]: 1 keeps the target, 0 copies the source.
 * @returns nothing; the target's weights are overwritten.
 * @example momentumUpdate(keyEncoder.model, encoder.model, 0.99);
 */
export function momentumUpdate(
  target: tf.LayersModel,
  source: tf.LayersModel,
  momentum: number,
): void {
  if (!(momentum >= 0 && momentum <= 1))
    throw new RangeError(`momentumUpdate: momentum must be in [0, 1], got ${momentum}.`);
  const targetByName = new Map(target.weights.map((weight) => [weight.originalName, weight]));
  const pairs = source.trainableWeights.map((weight): [tf.LayerVariable, tf.LayerVariable] => {
    const match = targetByName.get(weight.originalName);
    if (
      match === undefined ||
      !tf.util.arraysEqual(match.shape as number[], weight.shape as number[])
    ) {
      throw new Error(
        `momentumUpdate: the momentum network has no weight '${weight.originalName}' of shape ${JSON.stringify(weight.shape)}` +
          `${match === undefined ? '' : ` (it has ${JSON.stringify(match.shape)})`}: build it as a copy of the online network (same config and layer names).`,
      );
    }
    return [match, weight];
  });
  for (const [targetWeight, sourceWeight] of pairs) {
    tf.tidy(() => {
      targetWeight.write(
        tf.add(tf.mul(targetWeight.read(), momentum), tf.mul(sourceWeight.read(), 1 - momentum)),
      );
    });
  }
}
