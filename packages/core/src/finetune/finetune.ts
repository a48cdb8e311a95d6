import * as tf from '@tensorflow/tfjs';
import { deriveSeed, SeededRandom } from '../random/seeded-random';
import type { EncoderV1 } from '../spec/encoder-v1';
import { createFinetuneOptimizer, type FinetuneOptimizer } from './create-finetune-optimizer';
import { createEarlyStoppingMonitor } from './early-stopping-monitor';
import { encodeBatch } from './encode-batch';
import { extractFeatures, sliceRows } from './extract-features';
import {
  foldFeatureStandardization,
  measureFeatureStandardization,
  standardizeFeatures,
} from './feature-standardization';
import type { FinetuneEpochRecord, FinetuneHistory } from './finetune-history';
import {
  type FinetuneOptions,
  parseFinetuneOptions,
  type ResolvedFinetuneOptions,
  resolveLearningRate,
} from './finetune-options';
import { createFinetunedModel, type FinetunedModel } from './finetuned-model';
import {
  checkInputs,
  checkLabels,
  countExamples,
  type FinetuneTask,
  type LabeledData,
  selectExamples,
} from './labeled-data';
import { randomSplit, stratifiedSplit } from './stratified-sample';

const ORDER_PURPOSE = 11;
const AUGMENT_PURPOSE = 12;
const HEAD_PURPOSE = 13;
const SPLIT_PURPOSE = 14;

/** Labels as tensors: class ids `[N]` int32 or targets `[N, T]` float32. */
type TargetTensor = tf.Tensor1D | tf.Tensor2D;

/** A prepared labeled set: inputs and labels on the device, plus what it owns. */
type PreparedSet = {
  readonly inputs: tf.Tensor;
  readonly targets: TargetTensor;
  readonly count: number;
  readonly owned: tf.Tensor[];
};

/** Mean loss of a batch: softmax cross-entropy on class ids, or mean squared error on targets. */
function batchLoss(
  task: FinetuneTask,
  outputs: tf.Tensor2D,
  targets: tf.Tensor,
  numClasses: number,
): tf.Scalar {
  if (task === 'classification') {
    // tf.oneHot(..., 'float32') is broken on wasm: cast instead.
    const oneHot = tf.oneHot(targets as tf.Tensor1D, numClasses).cast('float32');
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(outputs)), 1))) as tf.Scalar;
  }
  return tf.mean(tf.square(tf.sub(outputs, targets))) as tf.Scalar;
}

function prepareSet(
  data: LabeledData,
  labels: Int32Array | Float32Array,
  task: FinetuneTask,
): PreparedSet {
  const count = countExamples(data);
  const targets =
    task === 'classification'
      ? tf.tensor1d(labels as Int32Array, 'int32')
      : tf.tensor2d(labels as Float32Array, [count, labels.length / count]);
  return { inputs: data.inputs, targets, count, owned: [targets] };
}

function makeHead(inputSize: number, outputSize: number, seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [inputSize],
        units: outputSize,
        kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, HEAD_PURPOSE) }),
        biasInitializer: 'zeros',
      }),
    ],
  });
}

function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((weight) => weight.read() as tf.Variable);
}

/** Splits the training set when `validationSplit` asks for it; returns the sets to use and what to dispose. */
function splitValidation(
  labeled: LabeledData,
  labels: Int32Array | Float32Array,
  options: ResolvedFinetuneOptions,
  numClasses: number,
): { train: LabeledData; validation: LabeledData | undefined; owned: tf.Tensor[] } {
  if (options.validation !== undefined && options.validationSplit > 0) {
    throw new Error('Pass either a validation set or validationSplit, not both.');
  }
  if (options.validationSplit === 0)
    return { train: labeled, validation: options.validation, owned: [] };
  // kNN does not train: every labeled example goes into the memory bank.
  if (options.mode === 'knn') return { train: labeled, validation: undefined, owned: [] };
  const count = countExamples(labeled);
  const seed = deriveSeed(options.seed, SPLIT_PURPOSE);
  const split =
    options.task === 'classification'
      ? stratifiedSplit(
          labels,
          Int32Array.from({ length: count }, (_, i) => i),
          {
            numClasses,
            fraction: options.validationSplit,
            minPerClass: 2,
            seed,
          },
        )
      : randomSplit(count, options.validationSplit, seed);
  if (split.validation === null) return { train: labeled, validation: undefined, owned: [] };
  const targetSize = options.task === 'classification' ? 1 : labels.length / count;
  const typed: LabeledData = { inputs: labeled.inputs, labels };
  const train = selectExamples(typed, split.train, targetSize);
  const validation = selectExamples(typed, split.validation, targetSize);
  return { train, validation, owned: [train.inputs, validation.inputs] };
}

/**
 * Adapts a (pretrained) encoder to a labeled task: a linear probe on frozen features, full
 * finetuning of encoder and head, or a weighted kNN classifier.
 *
 * - `'linear-probe'` (the standard evaluation of self-supervised features, e.g. SimCLR, Chen et al.
 *   2020): the encoder stays frozen in inference mode; its features are computed once, in batches
 *   of `inferenceBatchSize`, and a dense softmax head (a linear head for regression) is trained on
 *   them with Adam. With `augment`, features are recomputed from each augmented batch instead.
 * - `'full'`: encoder and head are trained together, the encoder in training mode (BatchNorm uses
 *   and updates batch statistics) at `learningRate × encoderLearningRateMultiplier`.
 *   **The given encoder is trained in place**; build a fresh one per run (as
 *   {@link labelEfficiency} does with encoder factories) to keep the original.
 * - `'knn'`: no training; the model stores L2-normalised training features and predicts by
 *   weighted votes of the `k` most cosine-similar ones, weights exp(s/τ) (Wu et al. 2018; see
 *   {@link knnScores}).
 *
 * Batches are drawn in a seeded order (`seed`, epoch); the head is initialised from `seed`; the
 * augmentation gets a seed derived from (`seed`, epoch, batch), so two encoders finetuned with the same
 * options see the same batches. With a validation set (`validation` or `validationSplit`) the loss and
 * accuracy are measured after each epoch, and early stopping (on by default) ends training after
 * `patience` epochs without improvement and restores the best weights (head and, in 'full' mode,
 * encoder, BatchNorm statistics included). A last batch of a single example is skipped in 'full'
 * mode (BatchNorm cannot normalise one example). Dropout inside the encoder uses tfjs's own
 * unseeded randomness. The optimizer is Adam with decoupled weight decay
 * ({@link createFinetuneOptimizer}).
 *
 * @param encoder the encoder; frozen in 'linear-probe' and 'knn', trained in place in 'full'.
 * @param labeled training inputs (encoder format) and labels (class ids, or `N × T` regression targets).
 * @param options see {@link finetuneOptionsSchema} for every option and its default.
 * @returns the finetuned model (dispose it; the encoder stays the caller's).
 * @example
 * const model = await finetune(encoder, { inputs, labels }, { mode: 'linear-probe', epochs: 20, validationSplit: 0.1 });
 * const report = await evaluate(model, { inputs: testInputs, labels: testLabels });
 * model.dispose();
 */
export async function finetune(
  encoder: EncoderV1,
  labeled: LabeledData,
  options: FinetuneOptions = {},
): Promise<FinetunedModel> {
  const resolved = parseFinetuneOptions(options);
  const { mode, task, seed, epochs, batchSize, inferenceBatchSize } = resolved;
  if (
    task === 'regression' &&
    resolved.earlyStopping !== false &&
    resolved.earlyStopping.monitor === 'accuracy'
  ) {
    throw new Error(
      "Early stopping on 'accuracy' needs task 'classification': use monitor: 'loss' for regression.",
    );
  }
  checkInputs(labeled.inputs, encoder.inputSpec, 'training');
  const labels = checkLabels(labeled, task, 'training', resolved.numClasses);
  const count = countExamples(labeled);
  const numClasses =
    task === 'classification'
      ? (resolved.numClasses ??
        Math.max(
          2,
          (labels as Int32Array).reduce((largest, label) => Math.max(largest, label), 0) + 1,
        ))
      : undefined;
  const outputSize = numClasses ?? labels.length / count;

  const owned: tf.Tensor[] = [];
  const disposables: { dispose(): void }[] = [];
  let head: tf.Sequential | undefined;
  try {
    const {
      train,
      validation,
      owned: splitOwned,
    } = splitValidation(labeled, labels, resolved, numClasses ?? 0);
    owned.push(...splitOwned);
    const trainLabels =
      train === labeled ? labels : checkLabels(train, task, 'training', numClasses);
    const trainSet = prepareSet(train, trainLabels, task);
    owned.push(...trainSet.owned);
    let validationSet: PreparedSet | undefined;
    if (validation !== undefined) {
      checkInputs(validation.inputs, encoder.inputSpec, 'validation');
      const validationLabels = checkLabels(validation, task, 'validation', numClasses);
      if (
        task === 'regression' &&
        validationLabels.length / countExamples(validation) !== outputSize
      ) {
        throw new Error(
          `The validation set has ${validationLabels.length / countExamples(validation)} targets per example ` +
            `but the training set has ${outputSize}: pass the same targets.`,
        );
      }
      validationSet = prepareSet(validation, validationLabels, task);
      owned.push(...validationSet.owned);
    }

    if (mode === 'knn') {
      const features = extractFeatures(encoder, trainSet.inputs, {
        batchSize: inferenceBatchSize,
        normalize: true,
      });
      const targets = tf.tidy(() =>
        task === 'classification'
          ? (tf.oneHot(trainSet.targets as tf.Tensor1D, outputSize).cast('float32') as tf.Tensor2D)
          : (tf.clone(trainSet.targets) as tf.Tensor2D),
      );
      return createFinetunedModel({
        mode,
        task,
        numClasses,
        outputSize,
        encoder,
        history: { epochs: [], bestEpoch: null, restoredBestWeights: false, stoppedEarly: false },
        inferenceBatchSize,
        knnBank: { features, targets, k: resolved.k, temperature: resolved.temperature },
      });
    }

    head = makeHead(encoder.outputSize, outputSize, seed);
    let probeHistory: FinetuneHistory | undefined;
    if (mode === 'full' && resolved.linearProbeFirst !== false) {
      // LP-FT: the probe sees the same examples and validation part (its own early stopping).
      const { epochs: probeEpochs, learningRate: probeLearningRate } = resolved.linearProbeFirst;
      const probe = await finetune(encoder, train, {
        ...options,
        mode: 'linear-probe',
        epochs: probeEpochs,
        learningRate:
          probeLearningRate ?? resolveLearningRate({ ...resolved, mode: 'linear-probe' }),
        linearProbeFirst: false,
        validationSplit: 0,
        ...(validation === undefined ? {} : { validation }),
        numClasses,
        onProgress: undefined,
      } as FinetuneOptions);
      try {
        // The probe's head reads raw features (its standardisation is folded into the weights).
        head.setWeights(probe.head!.getWeights());
        probeHistory = probe.history;
      } finally {
        probe.dispose();
      }
    }
    const learningRate = resolveLearningRate(resolved);
    const headOptimizer = createFinetuneOptimizer({
      variables: trainableVariables(head),
      learningRate,
      weightDecay: resolved.weightDecay,
    });
    disposables.push(headOptimizer);
    const variables = trainableVariables(head);
    let encoderOptimizer: FinetuneOptimizer | undefined;
    if (mode === 'full' && resolved.encoderLearningRateMultiplier > 0) {
      const encoderVariables = trainableVariables(encoder.model);
      if (encoderVariables.length === 0) {
        throw new Error(
          `Full finetuning found no trainable weights in the '${encoder.type}' encoder: ` +
            `set encoder.model.trainable = true, or use mode 'linear-probe'.`,
        );
      }
      encoderOptimizer = createFinetuneOptimizer({
        variables: encoderVariables,
        learningRate: learningRate * resolved.encoderLearningRateMultiplier,
        weightDecay: resolved.weightDecay,
      });
      disposables.push(encoderOptimizer);
      variables.push(...encoderVariables);
    }

    // A frozen encoder's features never change: compute them once (unless augmentation changes the inputs).
    const frozen = mode === 'linear-probe';
    const cachedTrain = frozen && resolved.augment === undefined;
    const rawTrainFeatures =
      frozen && (cachedTrain || resolved.standardizeFeatures)
        ? extractFeatures(encoder, trainSet.inputs, { batchSize: inferenceBatchSize })
        : undefined;
    if (rawTrainFeatures) owned.push(rawTrainFeatures);
    const standardization =
      frozen && resolved.standardizeFeatures && rawTrainFeatures
        ? measureFeatureStandardization(rawTrainFeatures)
        : undefined;
    if (standardization) owned.push(standardization.mean, standardization.inverseDeviation);
    const standardize = (features: tf.Tensor2D): tf.Tensor2D =>
      standardization ? standardizeFeatures(features, standardization) : features;
    let trainSource: tf.Tensor = trainSet.inputs;
    if (cachedTrain && rawTrainFeatures) {
      trainSource = standardize(rawTrainFeatures);
      if (trainSource !== rawTrainFeatures) owned.push(trainSource);
    }
    let validationSource = validationSet?.inputs;
    if (validationSet && frozen) {
      const features = extractFeatures(encoder, validationSet.inputs, {
        batchSize: inferenceBatchSize,
      });
      validationSource = standardize(features);
      owned.push(features);
      if (validationSource !== features) owned.push(validationSource);
    }

    const trainingModels = mode === 'full' ? [encoder.model, head] : [head];
    const measureValidation = async (): Promise<{ loss: number; accuracy?: number }> => {
      const set = validationSet!;
      const totals = tf.tidy(() => {
        let lossSum: tf.Tensor = tf.scalar(0);
        let correct: tf.Tensor = tf.scalar(0);
        for (let start = 0; start < set.count; start += inferenceBatchSize) {
          const size = Math.min(inferenceBatchSize, set.count - start);
          const batch = sliceRows(validationSource!, start, size);
          const features = frozen ? (batch as tf.Tensor2D) : encodeBatch(encoder, batch, false);
          const outputs = head!.apply(features, { training: false }) as tf.Tensor2D;
          const targets = sliceRows(set.targets, start, size);
          lossSum = tf.add(lossSum, tf.mul(batchLoss(task, outputs, targets, outputSize), size));
          if (task === 'classification') {
            correct = tf.add(
              correct,
              tf.sum(tf.cast(tf.equal(tf.argMax(outputs, 1), targets), 'float32')),
            );
          }
        }
        return tf.stack([lossSum, correct]);
      });
      const [lossSum = 0, correct = 0] = await totals.data();
      totals.dispose();
      return task === 'classification'
        ? { loss: lossSum / set.count, accuracy: correct / set.count }
        : { loss: lossSum / set.count };
    };

    const records: FinetuneEpochRecord[] = [];
    const epochCount = Math.max(
      epochs,
      Math.ceil(resolved.minimumSteps / Math.ceil(trainSet.count / batchSize)),
    );
    const monitor =
      validationSet !== undefined && resolved.earlyStopping !== false
        ? createEarlyStoppingMonitor(resolved.earlyStopping, epochCount, trainingModels)
        : undefined;
    let stoppedEarly = false;
    try {
      for (let epoch = 1; epoch <= epochCount; epoch++) {
        const order = new SeededRandom(deriveSeed(seed, ORDER_PURPOSE, epoch)).permutation(
          trainSet.count,
        );
        const losses: tf.Scalar[] = [];
        let seen = 0;
        for (
          let start = 0, batchIndex = 0;
          start < trainSet.count;
          start += batchSize, batchIndex++
        ) {
          const size = Math.min(batchSize, trainSet.count - start);
          if (size === 1 && mode === 'full' && trainSet.count > 1) continue;
          seen += size;
          losses.push(
            tf.tidy(() => {
              const indices = tf.tensor1d(order.subarray(start, start + size), 'int32');
              const targets = tf.gather(trainSet.targets, indices);
              let batch = tf.gather(trainSource, indices);
              if (resolved.augment) {
                const augmented = resolved.augment(
                  batch,
                  deriveSeed(seed, AUGMENT_PURPOSE, epoch, batchIndex),
                );
                if (!tf.util.arraysEqual(augmented.shape, batch.shape)) {
                  throw new Error(
                    `augment returned shape ${JSON.stringify(augmented.shape)} for a batch of shape ` +
                      `${JSON.stringify(batch.shape)}: it must keep the shape.`,
                  );
                }
                batch = augmented;
              }
              // A frozen encoder runs outside the gradient tape.
              const frozenFeatures = frozen
                ? cachedTrain
                  ? (batch as tf.Tensor2D)
                  : standardize(encodeBatch(encoder, batch, false))
                : undefined;
              const { value, grads } = tf.variableGrads(() => {
                const features = frozenFeatures ?? encodeBatch(encoder, batch, true);
                const outputs = head!.apply(features, { training: true }) as tf.Tensor2D;
                return batchLoss(task, outputs, targets, outputSize);
              }, variables);
              headOptimizer.step(grads);
              encoderOptimizer?.step(grads);
              return tf.mul(value, size) as tf.Scalar;
            }),
          );
        }
        const lossTotal = tf.tidy(() => tf.addN(losses));
        tf.dispose(losses);
        const trainLoss = (await lossTotal.data())[0]! / seen;
        lossTotal.dispose();
        if (!Number.isFinite(trainLoss)) {
          throw new Error(
            `The finetuning loss became ${trainLoss} at epoch ${epoch}: lower learningRate (now ${learningRate}) or check the inputs.`,
          );
        }

        let record: FinetuneEpochRecord = { epoch, trainLoss };
        if (validationSet) {
          const measured = await measureValidation();
          record = {
            ...record,
            validationLoss: measured.loss,
            ...(measured.accuracy === undefined ? {} : { validationAccuracy: measured.accuracy }),
          };
        }
        records.push(record);
        const stop = monitor?.update(record) ?? false;
        resolved.onProgress?.({
          epoch,
          epochs: epochCount,
          trainLoss,
          ...(record.validationLoss === undefined ? {} : { validationLoss: record.validationLoss }),
          ...(record.validationAccuracy === undefined
            ? {}
            : { validationAccuracy: record.validationAccuracy }),
          ...(monitor?.bestEpoch == null ? {} : { bestEpoch: monitor.bestEpoch }),
        });
        if (stop) {
          stoppedEarly = true;
          break;
        }
      }
      const outcome = monitor?.finish(records.length) ?? {
        bestEpoch: null,
        restoredBestWeights: false,
      };
      if (standardization) foldFeatureStandardization(head.layers[0]!, standardization);
      const history: FinetuneHistory = {
        epochs: records,
        ...outcome,
        stoppedEarly,
        ...(probeHistory === undefined ? {} : { linearProbe: probeHistory }),
      };
      const model = createFinetunedModel({
        mode,
        task,
        numClasses,
        outputSize,
        encoder,
        history,
        inferenceBatchSize,
        head,
      });
      head = undefined;
      return model;
    } finally {
      monitor?.dispose();
    }
  } finally {
    head?.dispose();
    for (const disposable of disposables) disposable.dispose();
    tf.dispose(owned);
  }
}
