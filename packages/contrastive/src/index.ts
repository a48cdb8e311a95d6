export type { NtXentResult } from './nt-xent-loss';
export { ntXentLoss } from './nt-xent-loss';
export type { SimclrBatch, SimclrOptions } from './simclr';
export { createSimclr } from './simclr';
