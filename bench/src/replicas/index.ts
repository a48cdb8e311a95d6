// The worker-side entry of the data-parallel workloads (built as dist/replicas.js).
export type { ReplicaOptions, TokenBatch, TwoViewBatch } from './bench-replicas';
export { createGptReplica, createSimclrReplica } from './bench-replicas';
