import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../backend/init-backend';
import type { ObjectiveV1 } from '../../spec/objective-v1';
import { type BatchData, batchFromData } from './batch-shards';
import type { DataParallelTrainingOptions, WorkloadReference } from './data-parallel-options';
import { DataParallelReplica } from './data-parallel-replica';
import type { ReplicaState } from './replica-state';
import { type ExchangeBuffers, SharedMemoryGroup } from './shared-memory-group';

/** What the coordinator passes to each worker at start (`workerData`). */
export type DataParallelWorkerData = {
  readonly rank: number;
  readonly size: number;
  readonly buffers: ExchangeBuffers;
  readonly barrierTimeoutMilliseconds: number;
};

/** A request from the coordinator; every worker answers `{ id, ok, result | error }`. */
export type DataParallelRequest =
  | { readonly id: number; readonly type: 'init'; readonly backend: 'wasm' | 'cpu' }
  | { readonly id: number; readonly type: 'attach'; readonly buffers: ExchangeBuffers }
  | {
      readonly id: number;
      readonly type: 'call';
      readonly module: string;
      readonly exportName: string;
      readonly options: unknown;
    }
  | {
      readonly id: number;
      readonly type: 'setup';
      readonly workload: WorkloadReference;
      readonly training: DataParallelTrainingOptions;
    }
  | { readonly id: number; readonly type: 'step'; readonly step: number; readonly shard: BatchData }
  | { readonly id: number; readonly type: 'checksum' }
  | { readonly id: number; readonly type: 'read-state' }
  | { readonly id: number; readonly type: 'write-state'; readonly state: ReplicaState }
  | { readonly id: number; readonly type: 'read-weights' }
  | { readonly id: number; readonly type: 'close' };

/** A worker's answer to a {@link DataParallelRequest}. */
export type DataParallelResponse =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly name: string; readonly message: string; readonly stack?: string };
    };

async function importExport(
  module: string,
  exportName: string,
): Promise<(...args: unknown[]) => unknown> {
  const url =
    /^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)
      ? module
      : (await import('node:url')).pathToFileURL(module).href;
  const loaded = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  const exported = loaded[exportName];
  if (typeof exported !== 'function') {
    throw new TypeError(
      `The module ${module} has no function export '${exportName}' (exports: ${Object.keys(loaded).join(', ') || 'none'}).`,
    );
  }
  return exported as (...args: unknown[]) => unknown;
}

/**
 * Runs the worker side of data-parallel training: answers the coordinator's requests (start the
 * backend, build the replica from a {@link WorkloadReference}, train steps on shards, report
 * checksums and weights, read and write the replica's state, run a function with the group) until
 * it is closed.
 *
 * Call it from a worker thread's entry module (`data-parallel-worker-entry`); it does nothing on
 * the main thread. Requests are handled one at a time, in order. When a request fails, the worker
 * raises the group's abort flag so that the other workers do not wait for it forever.
 *
 * @returns when the coordinator closes the worker.
 * @example
 * // data-parallel-worker.mjs
 * import { runDataParallelWorker } from '@selfsup/core';
 * await runDataParallelWorker();
 */
export async function runDataParallelWorker(): Promise<void> {
  const { parentPort, workerData, isMainThread } = await import('node:worker_threads');
  if (isMainThread || parentPort === null) {
    throw new Error(
      'runDataParallelWorker() runs in a worker thread started by createDataParallelTrainer.',
    );
  }
  const port = parentPort;
  const data = workerData as DataParallelWorkerData;
  const group = new SharedMemoryGroup(
    data.buffers,
    data.rank,
    data.size,
    data.barrierTimeoutMilliseconds,
  );
  let replica: DataParallelReplica | undefined;
  const requireReplica = (): DataParallelReplica => {
    if (replica === undefined) throw new Error('The worker has no replica yet: send setup first.');
    return replica;
  };

  const handle = async (request: DataParallelRequest): Promise<unknown> => {
    switch (request.type) {
      case 'init': {
        const info = await initBackend({ backend: request.backend, quiet: true });
        return { backend: info.backend, threads: info.threads };
      }
      case 'attach':
        group.attach(request.buffers);
        return null;
      case 'call': {
        const run = await importExport(request.module, request.exportName);
        return await run(request.options, group);
      }
      case 'setup': {
        const create = await importExport(request.workload.module, request.workload.exportName);
        const objective = (await create(
          request.workload.options ?? {},
          group,
        )) as ObjectiveV1<unknown>;
        replica?.dispose();
        replica = new DataParallelReplica(objective, request.training, group);
        return {
          parameterCount: replica.parameterCount,
          exchangeSize: replica.exchangeSize(),
          checksum: replica.checksum(),
        };
      }
      case 'step': {
        const batch = batchFromData(request.shard);
        try {
          return requireReplica().step(batch, request.step);
        } finally {
          tf.dispose(batch as tf.TensorContainer);
        }
      }
      case 'checksum':
        return requireReplica().checksum();
      case 'read-state':
        // The replicas are identical: only rank 0 copies its state out.
        return data.rank === 0 ? requireReplica().readState() : null;
      case 'write-state':
        requireReplica().writeState(request.state);
        return requireReplica().checksum();
      case 'read-weights':
        return requireReplica().readWeights();
      case 'close':
        replica?.dispose();
        replica = undefined;
        return null;
    }
  };

  await new Promise<void>((resolve) => {
    let queue = Promise.resolve();
    port.on('message', (request: DataParallelRequest) => {
      queue = queue.then(async () => {
        let response: DataParallelResponse;
        try {
          response = { id: request.id, ok: true, result: await handle(request) };
        } catch (error) {
          group.abort();
          const failure = error instanceof Error ? error : new Error(String(error));
          response = {
            id: request.id,
            ok: false,
            error: {
              name: failure.name,
              message: failure.message,
              ...(failure.stack === undefined ? {} : { stack: failure.stack }),
            },
          };
        }
        port.postMessage(response);
        if (request.type === 'close') {
          port.close();
          resolve();
        }
      });
    });
  });
}
