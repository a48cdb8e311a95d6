/**
 * Child process of the kill-and-resume test: trains the tiny objective with a checkpoint after
 * every step, slowly, printing `step N` after each, until the parent kills it with SIGKILL.
 * Usage: node kill-and-resume-child.js <checkpoint directory>
 */
import { initBackend } from '../../backend/init-backend';
import { createTinyObjective, tinyBatchSource } from '../../test/tiny-objective';
import { pretrain } from '../pretrain';
import { killAndResumeObjectiveSeed, killAndResumeOptions } from './kill-and-resume-run';

const directory = process.argv[2];
if (directory === undefined) throw new Error('usage: kill-and-resume-child <checkpoint directory>');
await initBackend({ backend: 'wasm' });
const objective = createTinyObjective({ seed: killAndResumeObjectiveSeed });
await pretrain(objective, tinyBatchSource(), {
  ...killAndResumeOptions,
  checkpoint: { directory, everySteps: 1, keepLast: 2 },
  onProgress: async (event) => {
    process.stdout.write(`step ${event.step}\n`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  },
});
process.stdout.write('finished\n');
