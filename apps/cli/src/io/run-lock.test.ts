import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireRunLock, describeWriteError, runLockPath } from './run-lock';

/** The pid of a process that has exited (so that a lock naming it is stale). */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '0']);
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid ?? -1));
  });
}

describe('run lock', () => {
  it('lets one run hold a directory, refuses a second one naming the holder, and frees it on release', async () => {
    const root = mkdtempSync(join(tmpdir(), 'selfsup-lock-'));
    const out = join(root, 'run');
    const lock = await acquireRunLock(out, 'selfsup pretrain simclr');
    expect(lock.path).toBe(join(root, '.run.lock'));
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid });
    // A live holder (here a sleeping child) is refused.
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await lock.release();
    expect(existsSync(lock.path)).toBe(false);
    writeFileSync(
      runLockPath(out),
      JSON.stringify({
        pid: sleeper.pid,
        hostname: (await import('node:os')).hostname(),
        startedAt: '2026-01-01T00:00:00.000Z',
        command: 'selfsup pretrain rotation',
      }),
    );
    await expect(acquireRunLock(out, 'x')).rejects.toThrow(
      new RegExp(`in use by another selfsup run \\(pid ${sleeper.pid}.*selfsup pretrain rotation`),
    );
    sleeper.kill('SIGKILL');
    await new Promise((resolve) => sleeper.on('exit', resolve));
    // The same lock is stale once its process is gone: taken over.
    const second = await acquireRunLock(out, 'y');
    expect(JSON.parse(readFileSync(second.path, 'utf8'))).toMatchObject({ pid: process.pid });
    await second.release();
    await second.release();
  });

  it('takes over a stale lock of a crashed run and an old unreadable one, and refuses another host', async () => {
    const root = mkdtempSync(join(tmpdir(), 'selfsup-lock-'));
    const out = join(root, 'run');
    const os = await import('node:os');
    writeFileSync(
      runLockPath(out),
      JSON.stringify({ pid: await deadPid(), hostname: os.hostname(), startedAt: 'x' }),
    );
    const taken = await acquireRunLock(out, 'z');
    await taken.release();
    // Cut short by a power loss: unreadable. Recent → maybe being written, refused; old → stale.
    writeFileSync(runLockPath(out), '{"pid":');
    await expect(acquireRunLock(out, 'z')).rejects.toThrow(/taking the lock .* right now/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(runLockPath(out), old, old);
    await (await acquireRunLock(out, 'z')).release();
    writeFileSync(
      runLockPath(out),
      JSON.stringify({ pid: 1, hostname: 'elsewhere', startedAt: 'y' }),
    );
    await expect(acquireRunLock(out, 'z')).rejects.toThrow(
      /locked by a run on host elsewhere.*delete .*\.run\.lock/,
    );
  });

  it('gives the lock to exactly one of many concurrent takers', async () => {
    const root = mkdtempSync(join(tmpdir(), 'selfsup-lock-'));
    const out = join(root, 'run');
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => acquireRunLock(out, 'race')),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  });

  it('describes disk-full, read-only and permission errors with the file and the fix, and passes others through', () => {
    const fault = (code: string): NodeJS.ErrnoException =>
      Object.assign(new Error(`${code}: injected`), { code });
    expect(String(describeWriteError(fault('ENOSPC'), 'runs/a/step-1/x.bin'))).toMatch(
      /cannot write runs\/a\/step-1\/x\.bin \(ENOSPC\): the disk is full: free some space/,
    );
    expect(String(describeWriteError(fault('EROFS'), 'x'))).toMatch(
      /read-only: choose a writable --out/,
    );
    expect(String(describeWriteError(fault('EACCES'), 'x'))).toMatch(/permission denied/);
    const other = fault('EIO');
    expect(describeWriteError(other, 'x')).toBe(other);
    expect(describeWriteError('not an error', 'x')).toBe('not an error');
  });
});
