/**
 * Node file-system helpers of checkpoints: durable writes (fsync), atomic directory replacement,
 * named-tensor files. This module imports `node:fs`; the rest of `checkpoint/` imports it
 * dynamically so that browser bundles never pull it in.
 */
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError } from './checkpoint-error';
import { MANIFEST_FILE } from './checkpoint-manifest';

/** Names of the two files of a named-tensor group (`optimizer/`, `state/`). */
export const NAMED_TENSORS_SPEC_FILE = 'tensors.json';
export const NAMED_TENSORS_DATA_FILE = 'tensors.bin';

/** Writes a file and flushes it to the disk before returning. */
export async function writeFileDurably(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a directory entry list (after creating or renaming entries in it). */
export async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems do not support fsync on directories; the rename stays atomic.
  } finally {
    await handle.close();
  }
}

/** Whether a path exists. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The sibling that holds the previous version of `target` while it is being replaced. */
export function previousVersionPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.previous`);
}

/**
 * Writes a directory atomically: `write` fills a temporary sibling, which is flushed and then
 * renamed over `target`. The previous `target` is kept (renamed to a `.previous` sibling) until the
 * new one is in place, so a failure or crash at any point leaves a complete checkpoint on disk.
 */
export async function writeDirectoryAtomically(
  target: string,
  write: (directory: string) => Promise<void>,
): Promise<void> {
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const temporary = join(parent, `.${basename(target)}.partial-${process.pid}-${Date.now()}`);
  await rm(temporary, { recursive: true, force: true });
  await mkdir(temporary);
  try {
    await write(temporary);
    await syncTree(temporary);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  const previous = previousVersionPath(target);
  if (await pathExists(target)) {
    await rm(previous, { recursive: true, force: true });
    await rename(target, previous);
  }
  await rename(temporary, target);
  await syncDirectory(parent);
  await rm(previous, { recursive: true, force: true });
}

async function syncTree(directory: string): Promise<void> {
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (entry.isDirectory()) await syncTree(join(directory, entry.name));
  }
  await syncDirectory(directory);
}

/**
 * The checkpoint directory to read for `path`: `path` itself when it holds a manifest, its
 * `.previous` sibling when a crash interrupted a replacement, else the latest `step-N` inside it.
 */
export async function resolveCheckpointDirectory(path: string): Promise<string> {
  if (await pathExists(join(path, MANIFEST_FILE))) return path;
  const previous = previousVersionPath(path);
  if (!(await pathExists(path)) && (await pathExists(join(previous, MANIFEST_FILE))))
    return previous;
  const latest = await findLatestCheckpoint(path);
  if (latest !== undefined) return latest;
  if (!(await pathExists(path))) {
    throw new CheckpointError(
      path,
      'no checkpoint here: the directory does not exist. Check the path, or train without resume.',
    );
  }
  throw new CheckpointError(
    path,
    `no ${MANIFEST_FILE} and no step-N checkpoint inside: this is not a selfsup checkpoint directory (or it was never completed).`,
  );
}

/** The directory name pretrain gives the checkpoint of `step`. */
export function stepDirectoryName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

/** The completed `step-N` checkpoints in `root`, newest first. */
export async function listStepCheckpoints(
  root: string,
): Promise<{ step: number; directory: string }[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const found: { step: number; directory: string }[] = [];
  for (const name of names) {
    const match = /^step-(\d+)$/.exec(name);
    if (match === null) continue;
    const directory = join(root, name);
    if (await pathExists(join(directory, MANIFEST_FILE)))
      found.push({ step: Number(match[1]), directory });
  }
  return found.sort((a, b) => b.step - a.step);
}

/** The newest completed `step-N` checkpoint in `root`, if any. */
export async function findLatestCheckpoint(root: string): Promise<string | undefined> {
  return (await listStepCheckpoints(root))[0]?.directory;
}

/**
 * Deletes a directory without ever leaving it half-deleted under its own name: it is first
 * renamed to a hidden `.<name>.deleting-<pid>-<time>` sibling, then removed. A crash midway
 * leaves only that hidden sibling, which {@link pruneCheckpoints} sweeps later.
 */
async function removeDirectoryAtomically(directory: string): Promise<void> {
  const trash = join(
    dirname(directory),
    `.${basename(directory)}.deleting-${process.pid}-${Date.now()}`,
  );
  try {
    await rename(directory, trash);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await rm(trash, { recursive: true, force: true });
}

/** Leftovers of interrupted writes and deletions: `.step-N.partial-<pid>-…`, `.step-N.deleting-<pid>-…`. */
const LEFTOVER = /^\.step-\d+\.(?:partial|deleting)-(\d+)-/;

/**
 * Deletes all but the newest `keepLast` `step-N` checkpoints of `root`, and sweeps what killed
 * runs left behind: `step-N` directories without a manifest (a deletion cut short by an older
 * version) and hidden partial or half-deleted directories of other processes. Every deletion
 * renames first, so a crash while pruning never leaves a half-deleted `step-N`. Assumes one
 * writer per run directory (the CLI holds a lock).
 */
export async function pruneCheckpoints(root: string, keepLast: number): Promise<void> {
  for (const { directory } of (await listStepCheckpoints(root)).slice(keepLast)) {
    await removeDirectoryAtomically(directory);
  }
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return;
  }
  for (const name of names) {
    const leftover = LEFTOVER.exec(name);
    if (leftover !== null && Number(leftover[1]) !== process.pid) {
      await rm(join(root, name), { recursive: true, force: true });
    } else if (/^step-\d+$/.test(name) && !(await pathExists(join(root, name, MANIFEST_FILE)))) {
      await removeDirectoryAtomically(join(root, name));
    }
  }
}

/** Reads a file, or throws a {@link CheckpointError} that names it and says what to do. */
export async function readCheckpointFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new CheckpointError(
        path,
        'missing file: the checkpoint is incomplete or was moved partly. Use another checkpoint (an earlier step-N), or save again.',
      );
    }
    throw new CheckpointError(path, `cannot be read (${String(error)}).`);
  }
}

/** Reads and parses a JSON file of a checkpoint. */
export async function readCheckpointJson(path: string): Promise<unknown> {
  const text = (await readCheckpointFile(path)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(
      path,
      `is not valid JSON (${(error as Error).message}): the file is damaged. Use another checkpoint.`,
    );
  }
}

/** Bytes per element of a stored weight dtype. */
function bytesPerElement(dtype: string): number {
  if (dtype === 'float16' || dtype === 'uint16') return 2;
  if (dtype === 'uint8' || dtype === 'bool') return 1;
  return 4;
}

/** The number of bytes that `specs` describe. */
export function expectedByteLength(specs: readonly tf.io.WeightsManifestEntry[]): number {
  let total = 0;
  for (const spec of specs) {
    if (spec.dtype === 'string')
      throw new Error(`Weight '${spec.name}' is a string tensor, which checkpoints do not hold.`);
    const elements = spec.shape.reduce((product, size) => product * size, 1);
    total += elements * bytesPerElement(spec.quantization?.dtype ?? spec.dtype);
  }
  return total;
}

/** Throws when `data` is not exactly as long as `specs` require (a truncated or padded file). */
export function checkWeightBytes(
  file: string,
  data: ArrayBuffer,
  specs: readonly tf.io.WeightsManifestEntry[],
): void {
  const expected = expectedByteLength(specs);
  if (data.byteLength !== expected) {
    throw new CheckpointError(
      file,
      `holds ${data.byteLength} bytes of weights but its manifest describes ${expected}: the file is ` +
        `${data.byteLength < expected ? 'truncated' : 'longer than expected'} (an interrupted copy or a damaged disk). ` +
        'Use another checkpoint (an earlier step-N).',
    );
  }
}

/** Writes named tensors as `tensors.json` (weight specs) + `tensors.bin` (tfjs weight encoding). */
export async function writeNamedTensors(
  directory: string,
  tensors: Readonly<Record<string, tf.Tensor>>,
): Promise<void> {
  await mkdir(directory, { recursive: true });
  const { data, specs } = await tf.io.encodeWeights(tensors as tf.NamedTensorMap);
  await writeFileDurably(join(directory, NAMED_TENSORS_DATA_FILE), new Uint8Array(data));
  await writeFileDurably(
    join(directory, NAMED_TENSORS_SPEC_FILE),
    JSON.stringify({ format: 'selfsup-named-tensors', specs }, null, 1),
  );
}

/** Reads named tensors written by {@link writeNamedTensors}; the caller disposes them. */
export async function readNamedTensors(directory: string): Promise<Record<string, tf.Tensor>> {
  const specPath = join(directory, NAMED_TENSORS_SPEC_FILE);
  const dataPath = join(directory, NAMED_TENSORS_DATA_FILE);
  const parsed = (await readCheckpointJson(specPath)) as { specs?: tf.io.WeightsManifestEntry[] };
  if (!Array.isArray(parsed.specs)) {
    throw new CheckpointError(
      specPath,
      'has no `specs` list: the file is damaged or not a selfsup tensor file. Use another checkpoint.',
    );
  }
  const bytes = await readCheckpointFile(dataPath);
  const data = bytes.buffer.slice(
    bytes.byteOffset,
    bytes.byteOffset + bytes.byteLength,
  ) as ArrayBuffer;
  checkWeightBytes(dataPath, data, parsed.specs);
  return tf.io.decodeWeights(data, parsed.specs);
}
