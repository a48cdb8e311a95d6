import { loadCheckpoint } from '../checkpoint/load-checkpoint';
import { registerLayers } from '../layers/register-layers';
import type { EncoderConfigV1, EncoderV1 } from '../spec/encoder-v1';
import { type EncoderFactory, encoderFromModel } from './create-encoder';

/**
 * Loads the encoder of a checkpoint (a checkpoint directory, or a run directory whose latest
 * checkpoint is used), ready to `encode` or `finetune`. Node only.
 *
 * @param directory the checkpoint or run directory.
 * @param encoders factories of encoder types outside core, by type.
 * @example const encoder = await loadEncoder('runs/rotation/');
 */
export async function loadEncoder(
  directory: string,
  encoders: Readonly<Record<string, EncoderFactory>> = {},
): Promise<EncoderV1> {
  registerLayers();
  const checkpoint = await loadCheckpoint(directory);
  for (const head of Object.values(checkpoint.heads)) head.dispose();
  const { optimizerState, objectiveState } = checkpoint;
  for (const state of [optimizerState, objectiveState]) {
    for (const tensor of Object.values(state ?? {})) tensor.dispose();
  }
  const config = {
    ...checkpoint.manifest.encoder.config,
    type: checkpoint.manifest.encoder.type,
  } as EncoderConfigV1;
  return encoderFromModel(checkpoint.encoder, config, encoders);
}
