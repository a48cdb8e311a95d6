import {
  createWavenetObjective,
  encodeWav,
  generateWavenet,
  registerWavenetLayers,
  type WavenetObjective,
} from '@selfsup/autoregressive';
import type { CheckpointManifest } from '@selfsup/core';
import { fetchCheckpointManifest, restoreFromUrl } from '../shared/fetch-checkpoint';

/** A WaveNet restored from a checkpoint of the CLI, with its sample rate. */
export type LoadedWavenet = {
  readonly objective: WavenetObjective;
  readonly sampleRate: number;
  readonly manifest: CheckpointManifest;
};

/**
 * Loads a `selfsup pretrain wavenet` checkpoint served over HTTP: builds the WaveNet (van den
 * Oord et al. 2016) from the config the manifest records, then writes the trunk and the heads
 * (`output`, `conditioning`) into it, as `selfsup generate` does with core's
 * `restoreCheckpoint` in Node.
 *
 * @param folderUrl The checkpoint folder's URL, ending in '/'.
 * @returns The objective (its `wavenet` generates), the data's sample rate and the manifest.
 * @example
 * const { objective, sampleRate } = await fetchWavenet(demoModelUrl('wavenet-audio'));
 */
export async function fetchWavenet(folderUrl: string): Promise<LoadedWavenet> {
  registerWavenetLayers();
  const manifest = await fetchCheckpointManifest(folderUrl, 'wavenet');
  const { type: _type, ...config } = manifest.encoder.config as Record<string, unknown>;
  const objective = createWavenetObjective({ wavenet: config });
  try {
    await restoreFromUrl(folderUrl, objective as never);
  } catch (error) {
    objective.dispose?.();
    throw error;
  }
  const dataset = manifest.dataset as Record<string, unknown> | null;
  const sampleRate = typeof dataset?.sampleRate === 'number' ? dataset.sampleRate : 8000;
  return { objective, sampleRate, manifest };
}

/**
 * Generates a short clip with fast WaveNet generation (Paine et al. 2016: per-layer queues, so
 * each sample costs one small product per layer) and encodes it as a 16-bit WAV `Blob` for an
 * `<audio>` element.
 *
 * @param model The loaded WaveNet.
 * @param options `seconds` of audio, the `classId` (class-conditional models), `seed`, and an
 * `onProgress(done, total)` called every 200 samples (it may await, to let the page paint).
 * @returns The WAV blob and the waveform in [-1, 1].
 * @example
 * const { wav } = await generateClip(model, { seconds: 0.25, classId: 0 });
 * audio.src = URL.createObjectURL(wav);
 */
export async function generateClip(
  model: LoadedWavenet,
  options: {
    readonly seconds: number;
    readonly classId?: number;
    readonly seed?: number;
    readonly onProgress?: (done: number, total: number) => void;
  },
): Promise<{ readonly wav: Blob; readonly audio: Float32Array; readonly seconds: number }> {
  const samples = Math.max(1, Math.round(options.seconds * model.sampleRate));
  const generation = await generateWavenet(model.objective.wavenet, {
    samples,
    seed: options.seed ?? 0,
    ...(model.objective.wavenet.settings.classes > 0 ? { classId: options.classId ?? 0 } : {}),
    progressEvery: 200,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  const audio = generation.audio[0];
  if (audio === undefined) throw new Error('generateWavenet returned no clip.');
  const bytes = encodeWav(audio, model.sampleRate);
  return {
    wav: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'audio/wav' }),
    audio,
    seconds: generation.seconds,
  };
}
