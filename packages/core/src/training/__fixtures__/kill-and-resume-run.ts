import type { PretrainOptions } from '../pretrain-options';

/** The run that the kill-and-resume test interrupts with SIGKILL and resumes. */
export const killAndResumeOptions: PretrainOptions = {
  steps: 8,
  learningRate: 0.02,
  warmupSteps: 2,
  seed: 21,
  clipNorm: 1,
  optimizer: 'lars',
};

/** The objective seed of that run. */
export const killAndResumeObjectiveSeed = 6;
