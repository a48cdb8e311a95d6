import { gptWorkload } from './gpt-workload';
import { simclrWorkload } from './simclr-workload';
import type { Workload, WorkloadName } from './workload';

/** Every workload of `pnpm bench`, by name, in the order they run. */
export const allWorkloads: Readonly<Record<WorkloadName, Workload>> = {
  gpt: gptWorkload,
  simclr: simclrWorkload,
};
