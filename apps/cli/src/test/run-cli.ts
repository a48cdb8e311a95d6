import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built binary the end-to-end tests run (in `SELFSUP_CLI_DIST` when set, see `build-cli.ts`). */
export const cliPath = join(
  process.env.SELFSUP_CLI_DIST ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist'),
  'selfsup.js',
);

/** What a CLI run printed and how it exited. */
export type CliRun = {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
};

/** Tiny settings shared by the end-to-end tests: a 4-channel ConvNet on 256 MNIST images. */
export const tinyPretrainFlags = [
  '--limit',
  '256',
  '--batch-size',
  '8',
  '--encoder-options',
  '{"channels":[4],"outputSize":16}',
];

/**
 * Starts `node dist/selfsup.js ...args` in `cwd` on the wasm backend.
 *
 * @param args the command line after `selfsup`.
 * @param cwd the working directory.
 * @param environment extra environment variables.
 * @returns the child process and a promise of its output and exit code.
 */
export function startCli(
  args: readonly string[],
  cwd: string,
  environment: Readonly<Record<string, string>> = {},
): { child: ChildProcess; done: Promise<CliRun>; stderr: () => string } {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd,
    env: { ...process.env, SELFSUP_BACKEND: 'wasm', ...environment },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<CliRun>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done, stderr: () => stderr };
}

/**
 * Runs `node dist/selfsup.js ...args` to completion.
 *
 * @param args the command line after `selfsup`.
 * @param cwd the working directory.
 * @param environment extra environment variables.
 * @returns exit code, stdout and stderr.
 */
export function runCli(
  args: readonly string[],
  cwd: string,
  environment: Readonly<Record<string, string>> = {},
): Promise<CliRun> {
  return startCli(args, cwd, environment).done;
}

/** A fresh temporary directory for one test file. */
export function temporaryDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'selfsup-cli-'));
}
