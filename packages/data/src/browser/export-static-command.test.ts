import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExportStaticCommand } from './export-static-command';

function capture() {
  const lines = { log: [] as string[], error: [] as string[] };
  return {
    lines,
    output: {
      log: (line: string) => lines.log.push(line),
      error: (line: string) => lines.error.push(line),
    },
  };
}

describe('export-static command', () => {
  it('writes the chosen datasets and a manifest, one line each', () => {
    const directory = mkdtempSync(join(tmpdir(), 'selfsup-export-command-'));
    try {
      const { lines, output } = capture();
      expect(runExportStaticCommand([directory, '--datasets', 'names,moby-dick'], output)).toBe(0);
      expect(lines.error).toEqual([]);
      expect(lines.log[0]).toMatch(/^names\s+2 files\s+0\.\d MB {2}\(all 8422\)$/);
      expect(lines.log[1]).toMatch(/^moby-dick\s+1 files\s+1\.2 MB/);
      expect(lines.log[2]).toMatch(/^Wrote 2 datasets and manifest\.json to /);
      const manifest = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8'));
      expect(Object.keys(manifest.datasets)).toEqual(['names', 'moby-dick']);
      expect(existsSync(join(directory, 'moby-dick', 'moby-dick.txt'))).toBe(true);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('answers bad usage with exit code 2 and the help', () => {
    for (const argumentList of [
      [],
      ['a', 'b'],
      ['out', '--datasets', 'cifar'],
      ['out', '--fast'],
    ]) {
      const { lines, output } = capture();
      expect(runExportStaticCommand(argumentList, output)).toBe(2);
      expect(lines.error.join('\n')).toMatch(
        /Usage: node packages\/data\/scripts\/export-static\.mjs/,
      );
    }
    const { lines, output } = capture();
    expect(runExportStaticCommand(['--help'], output)).toBe(0);
    expect(lines.log[0]).toMatch(/--datasets {2}comma-separated ids/);
  });
});
