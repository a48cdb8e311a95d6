import { execFileSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Vitest global setup: builds `dist/selfsup.js` (and `dist/cli-workload.js`) with tsup once, before
 * the end-to-end tests run it. With `SELFSUP_CLI_DIST=<dir>` it builds into that directory instead
 * (leaving `dist/` alone, e.g. while another process runs it) and links the package's
 * `node_modules` beside it (in its parent directory), so that the built files resolve their dependencies; `run-cli.ts` then runs
 * the binary from there.
 */
export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const outDirectory = process.env.SELFSUP_CLI_DIST;
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js'),
      ...(outDirectory === undefined ? [] : ['--out-dir', outDirectory]),
    ],
    { cwd: root, stdio: 'pipe' },
  );
  // The link goes beside the directory, not in it: tsup's clean must never walk into it.
  const modules =
    outDirectory === undefined ? undefined : join(dirname(outDirectory), 'node_modules');
  if (modules !== undefined && !existsSync(modules)) {
    symlinkSync(join(root, 'node_modules'), modules, 'dir');
  }
}
