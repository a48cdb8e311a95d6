import {
  createFinetuneOptimizer,
  deriveSeed,
  type EncoderV1,
  evaluate,
  type FinetuneEpochRecord,
  type LabelEfficiencyContext,
  type LabelEfficiencyRunResult,
  type LabeledData,
  SeededRandom,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { createClassifierModel } from './classifier-model';

const HEAD_PURPOSE = 13;
const LABELED_ORDER_PURPOSE = 21;
const UNLABELED_ORDER_PURPOSE = 22;
const STEP_PURPOSE = 23;

/** The training budget and optimizer shared by the semi-supervised runners. */
export type SemiSupervisedTrainingOptions = {
  /** Optimizer steps per run: the fixed compute budget. */
  readonly steps?: number;
  /** Labeled examples per step (B). @default 32 */
  readonly batchSize?: number;
  /** AdamW learning rate of encoder and head. @default 3e-3 */
  readonly learningRate?: number;
  /** Decoupled weight decay on weight matrices and kernels. @default 1e-4 */
  readonly weightDecay?: number;
  /**
   * Steps between two validation measurements (early stopping), when the run has a validation
   * part. @default steps / 10, at least 1
   */
  readonly evaluateEvery?: number;
  /**
   * Validation measurements without a lower validation loss before training stops; the weights
   * of the best measurement are restored at the end. `false` trains every step (still restoring
   * the best weights). @default 5
   */
  readonly patience?: number | false;
  /**
   * Wall-clock cap on training, in seconds: training ends at the first step boundary past it
   * (the steps trained are reported). A safety for a stated compute budget ("≤ 3 min per run");
   * results then depend on the machine's speed, so studies should pick `steps` that fit.
   * @default no cap
   */
  readonly maxSeconds?: number;
};

/** Everything one step's loss can use. */
export type SemiSupervisedStep = {
  /** `[B, ...]` labeled inputs (not augmented). */
  readonly labeledInputs: tf.Tensor;
  /** `[B]` int32 class ids of the labeled inputs. */
  readonly labels: tf.Tensor1D;
  /** `[U, ...]` unlabeled inputs drawn from the pool (not augmented). */
  readonly unlabeledInputs: tf.Tensor;
  /** 0-based step. */
  readonly step: number;
  /** The step budget. */
  readonly steps: number;
  /** A seed for this step's randomness (augmentation, shuffles). */
  readonly seed: number;
  /** Number of classes. */
  readonly numClasses: number;
  /** Logits `[N, numClasses]` of the encoder + head. */
  forward(inputs: tf.Tensor, training: boolean): tf.Tensor2D;
};

/**
 * One step of a method: work outside the gradient tape (label guessing, augmentation), then a
 * closure whose scalar is differentiated with respect to encoder and head. Runs inside `tf.tidy`.
 */
export type SemiSupervisedStepLoss = (step: SemiSupervisedStep) => {
  /** The loss to minimise. */
  readonly loss: () => tf.Scalar;
  /** Fraction of the unlabeled batch that received a target this step (a diagnostic), if any. */
  readonly unlabeledUsed?: tf.Scalar;
};

/** What {@link trainSemiSupervised} needs besides the method's loss. */
export type SemiSupervisedRun = {
  readonly context: LabelEfficiencyContext;
  readonly createEncoder: (seed: number) => EncoderV1 | Promise<EncoderV1>;
  /** Unlabeled examples per step (U). */
  readonly unlabeledBatchSize: number;
  readonly training: SemiSupervisedTrainingOptions;
  /** The default step budget of the method. */
  readonly defaultSteps: number;
  readonly stepLoss: SemiSupervisedStepLoss;
};

/** Endless seeded stream of indices: successive permutations of `0..count-1`. */
function indexStream(count: number, seed: number) {
  let order: Int32Array = new Int32Array(0);
  let position = 0;
  let round = 0;
  return (size: number): Int32Array => {
    const taken = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      if (position >= order.length) {
        order = new SeededRandom(deriveSeed(seed, round++)).permutation(count);
        position = 0;
      }
      taken[i] = order[position++]!;
    }
    return taken;
  };
}

function checkPositiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be an integer ≥ 1, got ${value}.`);
}

/** Validation loss and accuracy of encoder + head in inference mode. */
async function measure(
  forward: SemiSupervisedStep['forward'],
  validation: { inputs: tf.Tensor; labels: tf.Tensor1D },
): Promise<{ loss: number; accuracy: number }> {
  const count = validation.inputs.shape[0]!;
  const totals = tf.tidy(() => {
    let lossSum: tf.Tensor = tf.scalar(0);
    let correct: tf.Tensor = tf.scalar(0);
    for (let start = 0; start < count; start += 256) {
      const size = Math.min(256, count - start);
      const logits = forward(validation.inputs.slice(start, size), false);
      const labels = validation.labels.slice(start, size);
      const oneHot = tf.oneHot(labels, logits.shape[1]!).cast('float32');
      lossSum = tf.add(lossSum, tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)))));
      correct = tf.add(correct, tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')));
    }
    return tf.stack([lossSum, correct]);
  });
  const [lossSum = 0, correct = 0] = await totals.data();
  totals.dispose();
  return { loss: lossSum / count, accuracy: correct / count };
}

/**
 * The training loop shared by the semi-supervised runners: a fresh encoder from
 * `createEncoder(context.encoderSeed)` and a dense softmax head (seeded from the run's finetune
 * seed), trained together for a fixed number of steps with AdamW (core's
 * `createFinetuneOptimizer`). Each step draws a labeled batch from the run's training part and an
 * unlabeled batch from the whole pool (its labels are never read: only `context.pool.inputs`),
 * both in seeded orders, and minimises the method's loss.
 *
 * With a validation part, the validation loss is measured every `evaluateEvery` steps; training
 * stops after `patience` measurements without improvement and the best weights (BatchNorm
 * statistics included) are restored, as core's early stopping does per epoch. Then core's
 * `evaluate` scores the model on `context.test` (accuracy, macro-F1). Everything created is
 * disposed, also on error.
 *
 * @param run the context, the encoder factory, batch sizes, budget and the method's step loss.
 * @returns the run result: test accuracy and macro-F1, plus `unlabeledUsed` (mean fraction of
 * unlabeled examples that got a target) and `steps` (steps trained).
 * @example
 * return trainSemiSupervised({ context, createEncoder, unlabeledBatchSize: 64, training: {}, defaultSteps: 300, stepLoss });
 */
export async function trainSemiSupervised(
  run: SemiSupervisedRun,
): Promise<LabelEfficiencyRunResult> {
  const { context, training, unlabeledBatchSize, stepLoss } = run;
  const steps = training.steps ?? run.defaultSteps;
  const batchSize = training.batchSize ?? 32;
  const learningRate = training.learningRate ?? 3e-3;
  const weightDecay = training.weightDecay ?? 1e-4;
  const evaluateEvery = training.evaluateEvery ?? Math.max(1, Math.floor(steps / 10));
  const patience = training.patience ?? 5;
  checkPositiveInteger(steps, 'steps');
  checkPositiveInteger(batchSize, 'batchSize');
  checkPositiveInteger(unlabeledBatchSize, 'the unlabeled batch size');
  checkPositiveInteger(evaluateEvery, 'evaluateEvery');
  if (patience !== false) checkPositiveInteger(patience, 'patience');
  const maxSeconds = training.maxSeconds ?? Number.POSITIVE_INFINITY;
  if (!(maxSeconds > 0)) throw new RangeError(`maxSeconds must be > 0, got ${maxSeconds}.`);
  if (!(learningRate > 0)) throw new RangeError(`learningRate must be > 0, got ${learningRate}.`);
  const { numClasses, finetuneSeed } = context;
  const trainCount = context.train.inputs.shape[0]!;
  const poolCount = context.pool.inputs.shape[0]!;
  if (trainCount === 0) throw new Error('The run has no labeled training examples.');

  const owned: tf.Tensor[] = [];
  const disposables: { dispose(): void }[] = [];
  let saved: tf.Tensor[] | undefined;
  // Per-step losses and diagnostics not yet read back (read every `evaluateEvery` steps).
  let pendingLosses: tf.Scalar[] = [];
  let pendingUsed: tf.Scalar[] = [];
  const encoder = await run.createEncoder(context.encoderSeed);
  let head: tf.Sequential | undefined;
  try {
    if (encoder.outputSize < 1) throw new Error(`The '${encoder.type}' encoder has no output.`);
    head = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [encoder.outputSize],
          units: numClasses,
          kernelInitializer: tf.initializers.glorotUniform({
            seed: deriveSeed(finetuneSeed, HEAD_PURPOSE),
          }),
          biasInitializer: 'zeros',
        }),
      ],
    });
    const model = head;
    const variables = [...encoder.model.trainableWeights, ...model.trainableWeights].map(
      (weight) => weight.read() as tf.Variable,
    );
    if (encoder.model.trainableWeights.length === 0) {
      throw new Error(
        `The '${encoder.type}' encoder has no trainable weights: semi-supervised training trains it whole.`,
      );
    }
    const optimizer = createFinetuneOptimizer({ variables, learningRate, weightDecay });
    disposables.push(optimizer);
    const forward = (inputs: tf.Tensor, isTraining: boolean): tf.Tensor2D =>
      model.apply(encoder.doEncode(inputs, { training: isTraining }), {
        training: isTraining,
      }) as tf.Tensor2D;

    const trainLabels = tf.tensor1d(
      Int32Array.from(context.train.labels as ArrayLike<number>),
      'int32',
    );
    owned.push(trainLabels);
    const validation = context.validation && toValidation(context.validation);
    if (validation) owned.push(validation.labels);
    const nextLabeled = indexStream(trainCount, deriveSeed(finetuneSeed, LABELED_ORDER_PURPOSE));
    const nextUnlabeled = indexStream(poolCount, deriveSeed(finetuneSeed, UNLABELED_ORDER_PURPOSE));
    const weights = [...encoder.model.weights, ...model.weights];

    const records: FinetuneEpochRecord[] = [];
    let bestLoss = Number.POSITIVE_INFINITY;
    let bestStep: number | null = null;
    let waited = 0;
    let usedSum = 0;
    let usedCount = 0;
    let trained = 0;
    // BatchNorm cannot normalise a single example.
    const labeledSize = Math.min(batchSize, Math.max(2, trainCount));
    const started = performance.now();
    let outOfTime = false;
    for (let step = 0; step < steps && !outOfTime; step++) {
      const labeledIndices = nextLabeled(labeledSize);
      const unlabeledIndices = nextUnlabeled(unlabeledBatchSize);
      const { loss, used } = tf.tidy(() => {
        const labeledPositions = tf.tensor1d(labeledIndices, 'int32');
        const prepared = stepLoss({
          labeledInputs: tf.gather(context.train.inputs, labeledPositions),
          labels: tf.gather(trainLabels, labeledPositions),
          unlabeledInputs: tf.gather(context.pool.inputs, tf.tensor1d(unlabeledIndices, 'int32')),
          step,
          steps,
          seed: deriveSeed(finetuneSeed, STEP_PURPOSE, step),
          numClasses,
          forward,
        });
        const { value, grads } = tf.variableGrads(prepared.loss, variables);
        optimizer.step(grads);
        return { loss: value, used: prepared.unlabeledUsed ?? tf.scalar(Number.NaN) };
      });
      pendingLosses.push(loss);
      pendingUsed.push(used);
      trained = step + 1;
      outOfTime = (performance.now() - started) / 1000 > maxSeconds;
      const last = step === steps - 1 || outOfTime;
      if ((step + 1) % evaluateEvery !== 0 && !last) continue;

      const summed = tf.tidy(() => tf.stack([tf.addN(pendingLosses), tf.addN(pendingUsed)]));
      const [lossSum = 0, usedTotal = 0] = await summed.data();
      summed.dispose();
      const trainLoss = lossSum / pendingLosses.length;
      if (Number.isFinite(usedTotal)) {
        usedSum += usedTotal;
        usedCount += pendingUsed.length;
      }
      tf.dispose([...pendingLosses, ...pendingUsed]);
      pendingLosses = [];
      pendingUsed = [];
      if (!Number.isFinite(trainLoss)) {
        throw new Error(
          `The semi-supervised loss became ${trainLoss} by step ${step + 1}: lower learningRate (now ${learningRate}).`,
        );
      }
      let record: FinetuneEpochRecord = { epoch: step + 1, trainLoss };
      if (validation) {
        const measured = await measure(forward, validation);
        record = {
          ...record,
          validationLoss: measured.loss,
          validationAccuracy: measured.accuracy,
        };
        if (measured.loss < bestLoss) {
          bestLoss = measured.loss;
          bestStep = step + 1;
          waited = 0;
          tf.dispose(saved ?? []);
          saved = last ? undefined : weights.map((weight) => tf.clone(weight.read()));
        } else {
          waited++;
        }
      }
      records.push(record);
      if (patience !== false && validation && waited >= patience) break;
    }
    const restored = saved !== undefined && bestStep !== trained;
    if (restored) {
      for (const [index, weight] of weights.entries()) weight.write(saved![index]!);
    }
    tf.dispose(saved ?? []);
    saved = undefined;

    const classifier = createClassifierModel({
      encoder,
      head: model,
      numClasses,
      history: {
        epochs: records,
        bestEpoch: bestStep,
        restoredBestWeights: restored,
        stoppedEarly: trained < steps,
      },
    });
    head = undefined;
    try {
      const report = await evaluate(classifier, context.test);
      if (report.task !== 'classification')
        throw new Error('A semi-supervised runner expects a classification report.');
      return {
        metrics: {
          accuracy: report.accuracy,
          macroF1: report.macroF1,
          steps: trained,
          ...(usedCount > 0 ? { unlabeledUsed: usedSum / usedCount } : {}),
        },
        bestEpoch: bestStep,
      };
    } finally {
      classifier.dispose();
    }
  } finally {
    tf.dispose([...(saved ?? []), ...pendingLosses, ...pendingUsed]);
    head?.dispose();
    for (const disposable of disposables) disposable.dispose();
    tf.dispose(owned);
    encoder.dispose();
  }
}

function toValidation(data: LabeledData): { inputs: tf.Tensor; labels: tf.Tensor1D } {
  return {
    inputs: data.inputs,
    labels: tf.tensor1d(Int32Array.from(data.labels as ArrayLike<number>), 'int32'),
  };
}
