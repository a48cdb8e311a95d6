import { spawnSync } from 'node:child_process';

/** Whether PyTorch is importable from a Python, and which version. */
export type TorchAvailability =
  | { readonly available: true; readonly python: string; readonly version: string }
  | { readonly available: false; readonly python: string; readonly reason: string };

/**
 * Checks whether `python` can `import torch` (one short subprocess).
 *
 * @param python the Python executable.
 * @returns the version when available, else the reason in one line.
 * @example const torch = findTorch('/usr/bin/python3'); if (torch.available) console.log(torch.version);
 */
export function findTorch(python: string): TorchAvailability {
  const result = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.error !== undefined) {
    return { available: false, python, reason: `cannot run ${python} (${result.error.message})` };
  }
  if (result.status !== 0) {
    const lastLine = result.stderr.trim().split('\n').pop() ?? `exit code ${result.status}`;
    return { available: false, python, reason: `${python} cannot import torch (${lastLine})` };
  }
  return { available: true, python, version: result.stdout.trim() };
}
