/**
 * @selfsup/bench: the benchmark suite behind `pnpm bench` (see README.md), usable from code too.
 */
export type { BenchOptions } from './arguments/parse-bench-arguments';
export { benchHelp, parseBenchArguments, UsageError } from './arguments/parse-bench-arguments';
export { gptStepFlops } from './flops/gpt-step-flops';
export { simclrStepFlops } from './flops/simclr-step-flops';
export type { MatMulCeiling } from './measure/matmul-ceiling';
export { measureMatMulCeiling } from './measure/matmul-ceiling';
export { median } from './measure/median';
export { randomNormalTensor } from './measure/random-tensors';
export type { BenchReport, LossCheck, TorchResult, WorkloadResult } from './report/bench-report';
export { formatMilliseconds, formatResultsTable } from './report/format-results-table';
export type { MachineInfo } from './report/machine-info';
export { machineInfo } from './report/machine-info';
export type { ProgressLog } from './run-bench';
export { checkLoss, runBench, splitIntoRounds } from './run-bench';
export type { TorchAvailability } from './torch/find-torch';
export { findTorch } from './torch/find-torch';
export { referenceDirectory } from './torch/reference-directory';
export type { TorchRound, TorchSessionOptions } from './torch/torch-reference-session';
export { TorchReferenceSession } from './torch/torch-reference-session';
export { allWorkloads } from './workloads/all-workloads';
export type { GptWorkloadConfig } from './workloads/gpt-workload';
export { createGptStep, gptBenchConfig, gptWorkload } from './workloads/gpt-workload';
export { ntXentLoss } from './workloads/nt-xent-loss';
export type { SimclrWorkloadConfig } from './workloads/simclr-workload';
export { createSimclrStep, simclrBenchConfig, simclrWorkload } from './workloads/simclr-workload';
export type { TrainingStep, Workload, WorkloadName } from './workloads/workload';
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
