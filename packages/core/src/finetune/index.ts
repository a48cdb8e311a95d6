/**
 * Finetuning and evaluation: `finetune` (linear probe, full, kNN), `evaluate`, metrics, stratified
 * label sampling and the `labelEfficiency` protocol (pretrained vs scratch).
 */

export { claimRunsFrom } from './claim-runs-from';
export type {
  ClassificationMetricsInput,
  ClassificationReport,
  ClassMetrics,
  TopKAccuracy,
} from './classification-metrics';
export { classificationMetrics } from './classification-metrics';
export type { EncoderBaselineOptions, EncoderRunnerOptions } from './create-encoder-runner';
export {
  createEncoderRunner,
  createPretrainedRunner,
  createScratchRunner,
} from './create-encoder-runner';
export type { FinetuneOptimizer, FinetuneOptimizerOptions } from './create-finetune-optimizer';
export { createFinetuneOptimizer } from './create-finetune-optimizer';
export type { EvaluateOptions, EvaluationReport } from './evaluate';
export { evaluate } from './evaluate';
export { finetune } from './finetune';
export type { FinetuneEpochRecord, FinetuneHistory } from './finetune-history';
export type {
  AugmentFunction,
  FinetuneMode,
  FinetuneOptions,
  FinetuneProgress,
  ResolvedFinetuneOptions,
} from './finetune-options';
export { finetuneOptionsSchema, parseFinetuneOptions } from './finetune-options';
export type { FinetunedModel, PredictOptions } from './finetuned-model';
export type { KnnScoresOptions } from './knn-scores';
export { knnScores } from './knn-scores';
export type { LabelEfficiencyResult } from './label-efficiency';
export { labelEfficiency } from './label-efficiency';
export type { LabelEfficiencyOptions, LabelEfficiencyProgress } from './label-efficiency-options';
export { labelEfficiencyOptionsSchema } from './label-efficiency-options';
export type {
  FinetuneRecipe,
  LabelEfficiencyContext,
  LabelEfficiencyRunner,
  LabelEfficiencyRunResult,
} from './label-efficiency-runner';
export type { FinetuneTask, LabeledData, Labels } from './labeled-data';
export { mergeLabelEfficiencyResults } from './merge-label-efficiency-results';
export type { RegressionMetricsInput, RegressionReport } from './regression-metrics';
export { regressionMetrics } from './regression-metrics';
export type {
  IndexSplit,
  LabelBudget,
  StratifiedSampleOptions,
  StratifiedSplitOptions,
} from './stratified-sample';
export { randomSplit, stratifiedSample, stratifiedSplit } from './stratified-sample';
export type { LabelEfficiencyRow, LabelEfficiencySummary } from './summarize-runs';
export { summarizeRuns } from './summarize-runs';
