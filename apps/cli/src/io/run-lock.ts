import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../commands/parse-flags';

/** What a lock file records about the run that holds it. */
export type RunLockOwner = {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
  readonly command: string;
};

/** A held lock: `release()` deletes the lock file (only if it is still this process's). */
export type RunLock = {
  /** The lock file, a hidden sibling of the run directory. */
  readonly path: string;
  /** Deletes the lock file; safe to call twice. */
  release(): Promise<void>;
};

/**
 * The lock file of a run directory: `<parent>/.<name>.lock`, a sibling, so that `--force` (which
 * deletes the run directory) never deletes the lock of the run that holds it.
 *
 * @param directory the run directory (`--out`).
 * @returns the lock file path.
 * @example runLockPath('runs/simclr'); // '…/runs/.simclr.lock'
 */
export function runLockPath(directory: string): string {
  const absolute = resolve(directory);
  return join(dirname(absolute), `.${basename(absolute) || 'root'}.lock`);
}

/**
 * A file-system error while writing `path` as a message that names the file and what to do
 * (disk full, read-only, no permission); other errors are returned as they are.
 *
 * @param error what the file system threw.
 * @param path the file being written.
 * @returns the error to throw.
 * @example throw describeWriteError(error, 'runs/a/.lock');
 */
export function describeWriteError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const reasons: Record<string, string> = {
    ENOSPC: 'the disk is full: free some space or choose an --out on another disk',
    EDQUOT: 'the disk quota is used up: free some space or choose an --out on another disk',
    EROFS: 'the file system is read-only: choose a writable --out',
    EACCES: 'permission denied: choose an --out you may write to',
    EPERM: 'permission denied: choose an --out you may write to',
  };
  const reason = code === undefined ? undefined : reasons[code];
  if (reason === undefined) return error;
  return new Error(`cannot write ${path} (${code}): ${reason}.`, { cause: error });
}

/** Lock files this process holds (a lock naming this pid but not in here is from a past process). */
const heldByThisProcess = new Set<string>();

/** Whether a process with this id runs on this machine (signal 0 only checks). */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a file was modified in the last few seconds (a lock being written, not a stale one). */
async function isRecent(path: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs < 5000;
  } catch {
    return false;
  }
}

async function readOwner(path: string): Promise<RunLockOwner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<RunLockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.hostname !== 'string') return undefined;
    return {
      pid: parsed.pid,
      hostname: parsed.hostname,
      startedAt: String(parsed.startedAt ?? 'unknown'),
      command: String(parsed.command ?? ''),
    };
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock of a run directory so that two `selfsup pretrain` processes never write into the
 * same `--out`: the lock file is created exclusively (`O_EXCL`, atomic on local file systems) and
 * records the pid, host and start time. A lock left by a run that crashed (SIGKILL, power loss) is
 * stale once its process is gone, and is taken over; a lock of a live process is refused with a
 * message that names it. A lock from another host cannot be checked and is refused: delete it by
 * hand when that run is over. Same idea as Lightning's and Git's `.lock` files.
 *
 * @param directory the run directory (`--out`); it need not exist yet.
 * @param command what the run is, recorded in the lock for the message of a refused run.
 * @returns the held lock; call `release()` when the run ends (also on errors).
 * @throws UsageError when another live run holds the directory (exit code 2).
 * @example
 * const lock = await acquireRunLock('runs/simclr', 'selfsup pretrain simclr');
 * try { await train(); } finally { await lock.release(); }
 */
export async function acquireRunLock(directory: string, command: string): Promise<RunLock> {
  const path = runLockPath(directory);
  await mkdir(dirname(path), { recursive: true });
  const owner: RunLockOwner = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    command,
  };
  // Two tries: the second after removing a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (heldByThisProcess.has(path)) {
      throw new UsageError(`--out ${directory} is already in use by this process (lock ${path}).`);
    }
    try {
      const handle = await open(path, 'wx');
      heldByThisProcess.add(path);
      try {
        await handle.writeFile(`${JSON.stringify(owner)}\n`);
      } catch (error) {
        heldByThisProcess.delete(path);
        await handle.close();
        await rm(path, { force: true });
        throw describeWriteError(error, path);
      }
      await handle.close();
      let released = false;
      return {
        path,
        async release() {
          if (released) return;
          released = true;
          heldByThisProcess.delete(path);
          const current = await readOwner(path);
          if (current?.pid === owner.pid && current.startedAt === owner.startedAt)
            await rm(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw describeWriteError(error, path);
    }
    const holder = await readOwner(path);
    if (holder !== undefined && holder.hostname !== owner.hostname) {
      throw new UsageError(
        `--out ${directory} is locked by a run on host ${holder.hostname} (pid ${holder.pid}, since ${holder.startedAt}; ` +
          `lock file ${path}). Wait for it to finish or choose another --out; if that run is over, delete ${path}.`,
      );
    }
    // The same pid but not held here: a crashed run whose pid was reused (common in containers).
    if (holder !== undefined && holder.pid !== process.pid && processIsAlive(holder.pid)) {
      throw new UsageError(
        `--out ${directory} is in use by another selfsup run (pid ${holder.pid}, since ${holder.startedAt}` +
          `${holder.command === '' ? '' : `: ${holder.command}`}). Wait for it to finish, stop it, or choose another --out.`,
      );
    }
    if (holder === undefined && (await isRecent(path))) {
      throw new UsageError(
        `--out ${directory}: another run is taking the lock ${path} right now. Wait for it, or choose another --out.`,
      );
    }
    // The holder crashed (or the file is unreadable, e.g. cut short by a power loss): stale.
    await rm(path, { force: true });
  }
  throw new UsageError(
    `--out ${directory}: could not take the lock ${path} (another run took it at the same moment). Try again.`,
  );
}
