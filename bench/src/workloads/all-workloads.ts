import { bertWorkload } from './bert-workload';
import {
  gptDataParallelPerWorkerBatchWorkload,
  gptDataParallelWorkload,
  simclrDataParallelWorkload,
} from './data-parallel-workloads';
import { encodeConvNetWorkload, encodeTransformerWorkload } from './encode-workload';
import { generateCachedWorkload, generateUncachedWorkload } from './generate-workload';
import { gptDoubleBatchWorkload, gptWorkload } from './gpt-workload';
import { maeWorkload } from './mae-workload';
import { simclrWorkload } from './simclr-workload';
import { wavenetWorkload } from './wavenet-workload';
import type { Workload, WorkloadName } from './workload';

/** Every workload of `pnpm bench`, by name, in the order they run. */
export const allWorkloads: Readonly<Record<WorkloadName, Workload>> = {
  gpt: gptWorkload,
  'gpt-batch-24': gptDoubleBatchWorkload,
  simclr: simclrWorkload,
  bert: bertWorkload,
  mae: maeWorkload,
  wavenet: wavenetWorkload,
  'gpt-data-parallel': gptDataParallelWorkload,
  'gpt-data-parallel-per-worker-batch': gptDataParallelPerWorkerBatchWorkload,
  'simclr-data-parallel': simclrDataParallelWorkload,
  generate: generateCachedWorkload,
  'generate-no-cache': generateUncachedWorkload,
  'encode-convnet': encodeConvNetWorkload,
  'encode-transformer': encodeTransformerWorkload,
};
