import { type ClassificationReport, classificationMetrics } from './classification-metrics';
import type { FinetunedModel } from './finetuned-model';
import { checkInputs, checkLabels, type LabeledData } from './labeled-data';
import { type RegressionReport, regressionMetrics } from './regression-metrics';

/** What {@link evaluate} returns: a classification or a regression report (narrow on `task`). */
export type EvaluationReport = ClassificationReport | RegressionReport;

/** Options of {@link evaluate}. */
export type EvaluateOptions = {
  /** Examples per forward pass. @default the model's inference batch size */
  readonly batchSize?: number;
  /** k values of top-k accuracy (classification), e.g. `[1, 5]`. */
  readonly topK?: readonly number[];
};

/**
 * Measures a finetuned model on a labeled set: accuracy, per-class precision/recall/F1/support,
 * macro-F1, confusion matrix (rows = true class) and optional top-k accuracy for classification;
 * MSE, RMSE, MAE and R² for regression. Prediction runs in batches; the result is plain JSON data.
 *
 * @param model a model from {@link finetune}.
 * @param labeled inputs in the encoder's format and their labels (class ids or `N × T` targets).
 * @param options batch size and top-k.
 * @returns the report.
 * @example
 * const report = await evaluate(model, test, { topK: [1, 5] });
 * if (report.task === 'classification') console.log(report.accuracy, report.macroF1);
 */
export async function evaluate(
  model: FinetunedModel,
  labeled: LabeledData,
  options: EvaluateOptions = {},
): Promise<EvaluationReport> {
  checkInputs(labeled.inputs, model.encoder.inputSpec, 'evaluation');
  const labels = checkLabels(labeled, model.task, 'evaluation', model.numClasses);
  const predictOptions = options.batchSize === undefined ? {} : { batchSize: options.batchSize };
  if (model.task === 'regression') {
    const predictions = await model.predict(labeled.inputs, predictOptions);
    if (predictions.length !== labels.length) {
      throw new Error(
        `The model predicts ${model.outputSize} targets per example but the evaluation set has ` +
          `${labels.length / (labeled.inputs.shape[0] ?? 1)}: pass the targets the model was trained on.`,
      );
    }
    return regressionMetrics({ targets: labels, predictions, targetSize: model.outputSize });
  }
  const numClasses = model.numClasses!;
  const scores = await model.predictProbabilities(labeled.inputs, predictOptions);
  const probabilities = await scores.data();
  scores.dispose();
  const predictions = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let bestClass = 0;
    for (let c = 1; c < numClasses; c++) {
      if (probabilities[i * numClasses + c]! > probabilities[i * numClasses + bestClass]!)
        bestClass = c;
    }
    predictions[i] = bestClass;
  }
  return classificationMetrics({
    labels,
    predictions,
    numClasses,
    probabilities,
    ...(options.topK === undefined ? {} : { topK: options.topK }),
  });
}
