/**
 * Embeddings users can read: export them (JSON, CSV, NumPy `.npy`) and project them to 2-D
 * (PCA, UMAP) for plots.
 */
export type { EmbeddingMatrix, EmbeddingsInput } from './embedding-matrix';
export type {
  EmbeddingsExport,
  EmbeddingsFormat,
  ExportEmbeddingsOptions,
  ExportedEmbeddings,
} from './export-embeddings';
export { exportEmbeddings } from './export-embeddings';
export { encodeNpy } from './npy-format';
export type { PrincipalComponents } from './principal-components';
export { principalComponents } from './principal-components';
export type {
  EmbeddingProjection,
  ProjectEmbeddingsOptions,
  ProjectionMethod,
} from './project-embeddings';
export { projectEmbeddings } from './project-embeddings';
