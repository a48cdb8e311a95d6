import {
  builtInEncoders,
  type CollectiveGroup,
  ConvNetEncoder,
  createEncoder,
  type EncoderFactory,
  type EncoderV1,
} from '@selfsup/core';
import { UsageError } from '../commands/parse-flags';

/**
 * Checks that an encoder type is one of core's built-in types.
 *
 * @param type the `--encoder` value.
 * @param encoders factories of encoder types outside core (a method's `encoderFactories`).
 * @returns nothing when the type is known.
 * @throws UsageError listing the known types.
 * @example checkEncoderType('conv-net');
 */
export function checkEncoderType(
  type: string,
  encoders: Readonly<Record<string, EncoderFactory>> = {},
): void {
  if (builtInEncoders[type] === undefined && encoders[type] === undefined) {
    throw new UsageError(
      `Unknown encoder '${type}'. Encoders: ${[...Object.keys(builtInEncoders), ...Object.keys(encoders)].join(', ')}.`,
    );
  }
}

/**
 * A fresh encoder of a built-in type for data of a given example shape: `inputShape` comes from
 * the data, the seed from the run; the remaining options (channels, sizes…) from
 * `encoderOptions`, validated by the encoder's own schema.
 *
 * @param type an encoder type of `@selfsup/core` (`conv-net`, `res-net`, `mlp`, `vit`, …).
 * @param options the encoder's options from the config file or `--encoder-options`.
 * @param inputShape one example's shape from the data.
 * @param seed the weight-initialisation seed.
 * @param encoders factories of encoder types outside core (a method's `encoderFactories`).
 * @param group in a data-parallel worker, its group: a `conv-net` then normalises with the
 *   global batch's statistics (`SyncBatchNormalization`; same weights, same checkpoint).
 * @returns the encoder.
 * @throws UsageError for an unknown type or options the encoder refuses.
 * @example const encoder = buildEncoder('conv-net', { channels: [8] }, [28, 28, 1], 0);
 */
export function buildEncoder(
  type: string,
  options: Readonly<Record<string, unknown>>,
  inputShape: readonly number[],
  seed: number,
  encoders: Readonly<Record<string, EncoderFactory>> = {},
  group?: CollectiveGroup,
): EncoderV1 {
  checkEncoderType(type, encoders);
  try {
    if (group !== undefined && type === 'conv-net' && encoders[type] === undefined)
      return ConvNetEncoder.create({ seed, inputShape: [...inputShape], ...options } as never, {
        group,
      });
    return createEncoder(
      { type, seed, inputShape: [...inputShape], ...options } as never,
      encoders,
    );
  } catch (error) {
    throw new UsageError(
      `The '${type}' encoder refused its options (encoderOptions / --encoder-options): ${(error as Error).message}`,
    );
  }
}
