import { CheckpointError } from './checkpoint-error';
import {
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  checkpointManifestSchema,
  MANIFEST_FILE,
} from './checkpoint-manifest';

/**
 * Reads and validates the manifest of a checkpoint directory (Node only).
 *
 * @param directory a checkpoint directory (with `selfsup.json`).
 * @param expectedMethod when given, a manifest of another method is refused.
 * @returns the manifest.
 * @example const manifest = await readCheckpointManifest('./runs/simclr/step-00001000', 'simclr');
 */
export async function readCheckpointManifest(
  directory: string,
  expectedMethod?: string,
): Promise<CheckpointManifest> {
  const { readCheckpointJson } = await import('./checkpoint-files');
  const { join } = await import('node:path');
  const path = join(directory, MANIFEST_FILE);
  const raw = await readCheckpointJson(path);
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      path,
      `format version ${version}, but this @selfsup/core reads version ${CHECKPOINT_FORMAT_VERSION}. ` +
        (version > CHECKPOINT_FORMAT_VERSION
          ? 'Upgrade @selfsup/core to load it.'
          : 'Load it with the selfsup version that wrote it.'),
    );
  }
  const parsed = checkpointManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new CheckpointError(
      path,
      `is not a valid selfsup checkpoint manifest (${problems}). The file is damaged; use another checkpoint.`,
    );
  }
  const manifest = parsed.data as CheckpointManifest;
  if (expectedMethod !== undefined && manifest.method !== expectedMethod) {
    throw new CheckpointError(
      path,
      `was written by method '${manifest.method}', but the objective is '${expectedMethod}'. ` +
        `Restore it into a '${manifest.method}' objective, or point to a '${expectedMethod}' checkpoint.`,
    );
  }
  return manifest;
}
