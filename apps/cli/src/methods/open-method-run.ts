import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CheckpointManifest } from '@selfsup/core';
import { UsageError } from '../commands/parse-flags';

/** A checkpoint of a run, found and checked for the method a command needs. */
export type MethodRun = {
  /** The checkpoint directory (the latest `step-N` of a run directory). */
  readonly directory: string;
  /** The run directory (`run.json`, `tokenizer.json`…): the given one, or the checkpoint's parent. */
  readonly runDirectory: string;
  readonly manifest: CheckpointManifest;
};

/**
 * Finds the checkpoint of a path (a `step-N` directory, or a run directory whose latest checkpoint
 * is used), reads its manifest and checks that one of the given methods wrote it.
 *
 * @param path what the user gave.
 * @param methods the objective methods the command accepts (manifest `method`), with their CLI names.
 * @param command the command, for error messages.
 * @returns the checkpoint and run directories and the manifest.
 * @throws UsageError for a missing path, a path without checkpoint, or a checkpoint of another method.
 * @example const run = await openMethodRun('runs/bert', { 'bert-mlm': 'bert' }, 'fill-mask');
 */
export async function openMethodRun(
  path: string,
  methods: Readonly<Record<string, string>>,
  command: string,
): Promise<MethodRun> {
  const pretrainCommands = Object.values(methods)
    .map((name) => `\`selfsup pretrain ${name}\``)
    .join(' or ');
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new UsageError(
      `${path}: no such run directory. ${command} needs a run written by ${pretrainCommands}.`,
    );
  }
  const located = await locateCheckpoint(path);
  if (located === undefined) {
    const vectors = existsSync(join(path, 'word-vectors.json'));
    throw new UsageError(
      `${path} holds no checkpoint${vectors ? ' (it holds word vectors: use `selfsup similar`)' : ''}: ${command} needs a run written by ${pretrainCommands}.`,
    );
  }
  const { directory, runDirectory } = located;
  const { readCheckpointManifest } = await import('@selfsup/core');
  const manifest = await readCheckpointManifest(directory);
  const name = methods[manifest.method];
  if (name === undefined) {
    throw new UsageError(
      `${path} was written by method '${manifest.method}', but ${command} needs a checkpoint of ${pretrainCommands}.`,
    );
  }
  return { directory, runDirectory, manifest };
}

/**
 * The checkpoint directory of a path: the path itself when it holds a manifest, else its latest
 * `step-N` with one; and the run directory (the path, or the checkpoint's parent).
 *
 * @param path a run or checkpoint directory.
 * @returns the directories, or undefined when there is no checkpoint.
 * @example const located = await locateCheckpoint('runs/gpt'); // { directory: 'runs/gpt/step-00000100', runDirectory: 'runs/gpt' }
 */
export async function locateCheckpoint(
  path: string,
): Promise<{ readonly directory: string; readonly runDirectory: string } | undefined> {
  if (!existsSync(path) || !statSync(path).isDirectory()) return undefined;
  const { MANIFEST_FILE } = await import('@selfsup/core');
  if (existsSync(join(path, MANIFEST_FILE)))
    return { directory: path, runDirectory: dirname(path) };
  const latest = readdirSync(path)
    .filter((name) => /^step-\d+$/.test(name) && existsSync(join(path, name, MANIFEST_FILE)))
    .sort()
    .at(-1);
  return latest === undefined ? undefined : { directory: join(path, latest), runDirectory: path };
}
