/**
 * The entry module of a data-parallel worker thread (built as `data-parallel-worker.js`): it only
 * starts {@link runDataParallelWorker}. It is not part of the package barrel: importing it is
 * meant to start a worker.
 */
import { runDataParallelWorker } from './data-parallel-worker';

await runDataParallelWorker();
