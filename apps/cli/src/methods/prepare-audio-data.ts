import { UsageError } from '../commands/parse-flags';
import {
  type AudioClipFormat,
  checkAudioData,
  defaultAudioClipFormat,
} from '../datasets/load-audio-data';
import type { MethodData } from './method-definition';

/**
 * The training data of an audio method: an endless, resumable, seeded stream of unlabeled
 * synthetic clips (`syntheticAudioSource`, batches `{ audio [B, T, 1], labels }`; the labels are
 * ignored), with `T = sampleRate × duration` samples per clip.
 *
 * @param request the `--data` value, `--limit` (refused: the stream is generated) and `--batch-size`.
 * @param format sample rate (8000 or 16000) and clip duration in seconds (0.5–10).
 * @param methodName the method, for error messages.
 * @returns the source, the clip shape `[T, 1]` and the dataset reference (which records the clip
 *   format, so that `finetune`/`evaluate` probe on clips like the ones pretrained on).
 * @throws UsageError for data that is not audio, `--limit`, or a clip format the generator refuses.
 * @example const data = await prepareAudioData({ data: 'synthetic-audio', limit: undefined, batchSize: 16 }, { sampleRate: 8000, duration: 1 }, 'cpc');
 */
export async function prepareAudioData(
  request: {
    readonly data: string;
    readonly limit: number | undefined;
    readonly batchSize: number;
  },
  format: AudioClipFormat = defaultAudioClipFormat,
  methodName = 'this method',
): Promise<MethodData> {
  checkAudioData(request.data, methodName);
  if (request.limit !== undefined) {
    throw new UsageError(
      `--limit ${request.limit}: ${request.data} is generated on demand (an endless stream of clips), so there is nothing to limit: leave --limit out and set the length with --steps.`,
    );
  }
  const { syntheticAudioSource } = await import('@selfsup/data');
  let source: ReturnType<typeof syntheticAudioSource>;
  try {
    source = syntheticAudioSource({
      batchSize: request.batchSize,
      sampleRate: format.sampleRate,
      duration: format.duration,
    });
  } catch (error) {
    throw new UsageError(`--data ${request.data}: ${(error as Error).message}`);
  }
  const samplesPerClip = Math.round(format.sampleRate * format.duration);
  return {
    source,
    inputShape: [samplesPerClip, 1],
    reference: {
      id: request.data,
      split: 'train',
      sampleRate: format.sampleRate,
      duration: format.duration,
    },
  };
}
