/**
 * @selfsup/bench: the benchmark suite behind `pnpm bench` (see README.md), usable from code too.
 */
export type { BenchOptions } from './arguments/parse-bench-arguments';
export {
  benchHelp,
  parseBenchArguments,
  quickSettings,
  requestedBackends,
  UsageError,
} from './arguments/parse-bench-arguments';
export type { CompareCommandOptions } from './compare/compare-command';
export {
  compareCommand,
  compareHelp,
  formatComparison,
  parseCompareArguments,
} from './compare/compare-command';
export type {
  NormalisedThroughput,
  ReportComparison,
  WorkloadComparison,
} from './compare/compare-reports';
export {
  bestOf,
  compareReports,
  normalisedThroughputs,
  workloadKey,
} from './compare/compare-reports';
export type { ResultsFile } from './compare/newest-results';
export { newestResults, readResultsFile } from './compare/newest-results';
export type {
  ComparisonOptions,
  ComparisonOutcome,
  RunWorkloads,
} from './compare/run-comparison';
export { runComparison } from './compare/run-comparison';
export type { BertFlopsShape } from './flops/bert-step-flops';
export { bertStepFlops } from './flops/bert-step-flops';
export { gptStepFlops } from './flops/gpt-step-flops';
export type { ConvNetFlopsShape, TransformerFlopsShape } from './flops/inference-flops';
export {
  convNetForwardFlops,
  gptGenerationFlops,
  transformerForwardFlops,
} from './flops/inference-flops';
export type { MaeFlopsShape } from './flops/mae-step-flops';
export { maeStepFlops } from './flops/mae-step-flops';
export { simclrStepFlops } from './flops/simclr-step-flops';
export type { WavenetFlopsShape } from './flops/wavenet-step-flops';
export { wavenetStepFlops } from './flops/wavenet-step-flops';
export type { GroupReply, GroupRequest } from './isolation/group-process';
export type { GroupOutcome, MergeContext } from './isolation/merge-group-reports';
export { mergeGroupReports } from './isolation/merge-group-reports';
export type { RunGroup } from './isolation/run-bench-in-groups';
export { forkGroup, groupProcessModule, runBenchInGroups } from './isolation/run-bench-in-groups';
export { groupWorkloads } from './isolation/workload-groups';
export type { MatMulCeiling } from './measure/matmul-ceiling';
export { measureMatMulCeiling } from './measure/matmul-ceiling';
export { median } from './measure/median';
export { randomNormalTensor } from './measure/random-tensors';
export type { BenchReport, LossCheck, TorchResult, WorkloadResult } from './report/bench-report';
export { formatMilliseconds, formatResultsTable } from './report/format-results-table';
export type { MachineInfo } from './report/machine-info';
export { machineInfo } from './report/machine-info';
export type { ProgressLog } from './run-bench';
export {
  checkLoss,
  failedResult,
  noReferenceReason,
  runBench,
  splitIntoRounds,
} from './run-bench';
export type { TorchAvailability } from './torch/find-torch';
export { findTorch } from './torch/find-torch';
export { referenceDirectory } from './torch/reference-directory';
export type { TorchRound, TorchSessionOptions } from './torch/torch-reference-session';
export { TorchReferenceSession } from './torch/torch-reference-session';
export { allWorkloads } from './workloads/all-workloads';
export type { BertWorkloadConfig } from './workloads/bert-workload';
export {
  bertBenchConfig,
  bertPredictionsPerSequence,
  bertWorkload,
  createBertStep,
} from './workloads/bert-workload';
export type { EncodeConvNetConfig, EncodeTransformerConfig } from './workloads/encode-workload';
export {
  createEncodeConvNetStep,
  createEncodeTransformerStep,
  encodeConvNetBenchConfig,
  encodeConvNetWorkload,
  encodeTransformerBenchConfig,
  encodeTransformerWorkload,
} from './workloads/encode-workload';
export type { FixedImages } from './workloads/fixed-images';
export { fixedImages } from './workloads/fixed-images';
export type { GenerateWorkloadConfig } from './workloads/generate-workload';
export {
  createGenerateStep,
  generateBenchConfig,
  generateCachedWorkload,
  generateUncachedWorkload,
} from './workloads/generate-workload';
export type { GptWorkloadConfig } from './workloads/gpt-workload';
export { createGptStep, gptBenchConfig, gptWorkload } from './workloads/gpt-workload';
export type { MaeWorkloadConfig } from './workloads/mae-workload';
export { createMaeStep, maeBenchConfig, maeWorkload } from './workloads/mae-workload';
export type { ObjectiveStepOptimizer } from './workloads/objective-step';
export { createObjectiveStep } from './workloads/objective-step';
export type { SimclrWorkloadConfig } from './workloads/simclr-workload';
export { createSimclrStep, simclrBenchConfig, simclrWorkload } from './workloads/simclr-workload';
export type { WavenetWorkloadConfig } from './workloads/wavenet-workload';
export {
  createWavenetStep,
  seededTones,
  wavenetBenchConfig,
  wavenetWorkload,
} from './workloads/wavenet-workload';
export type {
  TrainingStep,
  Workload,
  WorkloadKind,
  WorkloadName,
  WorkloadStep,
} from './workloads/workload';
export { workloadNames } from './workloads/workload';
export type { ContrastiveNetwork, LanguageModel, Optimizer } from './workloads/workload-adapters';
export {
  adapterSources,
  clipGradients,
  contrastiveLoss,
  createAdam,
  createAdamW,
  createContrastiveNetwork,
  createLanguageModel,
} from './workloads/workload-adapters';
export type { GptConfig, SimclrConvNetConfig } from './workloads/workload-configs';
