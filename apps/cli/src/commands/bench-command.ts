import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CAC } from 'cac';

/**
 * Where the benchmark suite's built CLI is: `@selfsup/bench` resolved from here, else `bench/`
 * (or `packages/bench/`) of the selfsup repository above `start`.
 *
 * @param start the directory to search upwards from.
 * @returns the path of the bench CLI script, or undefined.
 * @example findBenchCli(process.cwd());
 */
export function findBenchCli(start: string): string | undefined {
  const candidates: string[] = [];
  try {
    candidates.push(dirname(createRequire(import.meta.url).resolve('@selfsup/bench/package.json')));
  } catch {
    // not installed as a dependency
  }
  for (let directory = resolve(start); ; directory = dirname(directory)) {
    candidates.push(join(directory, 'bench'), join(directory, 'packages', 'bench'));
    if (dirname(directory) === directory) break;
  }
  for (const root of candidates) {
    const manifest = join(root, 'package.json');
    if (!existsSync(manifest)) continue;
    const bin = (
      JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> }
    ).bin;
    const script =
      typeof bin === 'string' ? bin : bin === undefined ? undefined : Object.values(bin)[0];
    if (script !== undefined && existsSync(join(root, script))) return join(root, script);
  }
  return undefined;
}

/** `selfsup bench [...args]`: run the benchmark suite (the bench package's built CLI). */
export function registerBenchCommand(cli: CAC): void {
  cli
    .command(
      'bench [...args]',
      'Run the benchmark suite (the @selfsup/bench package), passing the arguments on',
    )
    .allowUnknownOptions()
    .action(async (args: string[]) => {
      const override = process.env.SELFSUP_BENCH_CLI;
      if (override !== undefined && !existsSync(override)) {
        throw new Error(
          `SELFSUP_BENCH_CLI is ${override}, which does not exist: point it at the bench package's dist/cli.js, or unset it.`,
        );
      }
      const script =
        override ??
        findBenchCli(process.cwd()) ??
        findBenchCli(dirname(fileURLToPath(import.meta.url)));
      if (script === undefined) {
        throw new Error(
          'The benchmark suite is not available here: @selfsup/bench is neither installed nor built. ' +
            'In the selfsup repository run `pnpm --filter @selfsup/bench build`, then `selfsup bench` (or `pnpm bench`).',
        );
      }
      const passed = process.argv.slice(process.argv.indexOf('bench') + 1);
      const code = await new Promise<number>((done) => {
        const child = spawn(process.execPath, [script, ...(passed.length > 0 ? passed : args)], {
          stdio: 'inherit',
        });
        child.on('exit', (exitCode) => done(exitCode ?? 1));
      });
      process.exitCode = code;
    });
}
