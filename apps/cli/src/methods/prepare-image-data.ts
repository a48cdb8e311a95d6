import { UsageError } from '../commands/parse-flags';
import { loadImageData } from '../datasets/load-image-data';
import type { MethodData } from './method-definition';

/**
 * The training data of an image method: the `train` split of an image dataset (or an image
 * folder), optionally its first `limit` images, as a resumable seeded batch source.
 *
 * @param request the `--data` value, `--limit` and `--batch-size`.
 * @param methodName the method, for error messages.
 * @returns the source, the image shape and the dataset reference.
 * @example const data = prepareImageData({ data: 'mnist', limit: 512, batchSize: 64 }, 'simclr');
 */
export async function prepareImageData(
  request: {
    readonly data: string;
    readonly limit: number | undefined;
    readonly batchSize: number;
  },
  methodName: string,
): Promise<MethodData> {
  const { imageBatchSource } = await import('@selfsup/data');
  const dataset = await loadImageData(request.data, 'train', request.limit, methodName);
  if (request.batchSize > dataset.count) {
    throw new UsageError(
      `--batch-size ${request.batchSize} is larger than the ${dataset.count} training images of '${request.data}': lower --batch-size or raise --limit.`,
    );
  }
  return {
    source: imageBatchSource(dataset, { batchSize: request.batchSize }),
    inputShape: [dataset.height, dataset.width, dataset.channels],
    reference: {
      id: dataset.id,
      split: 'train',
      count: dataset.count,
      ...(request.limit === undefined ? {} : { limit: request.limit }),
    },
  };
}
