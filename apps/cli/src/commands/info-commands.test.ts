import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../test/run-cli';

const directory = temporaryDirectory();

describe('informational commands (built binary)', () => {
  it('every command has --help', async () => {
    const commands = [
      'pretrain',
      'finetune',
      'evaluate',
      'compare',
      'embed',
      'project',
      'datasets',
      'info',
      'bench',
      'zero-shot',
    ];
    const runs = await Promise.all(
      commands.map((command) => runCli([command, '--help'], directory)),
    );
    runs.forEach((run, index) => {
      expect(run.code, commands[index]).toBe(0);
      expect(run.stdout, commands[index]).toContain(`$ selfsup ${commands[index]}`);
    });
    const top = await runCli(['--help'], directory);
    expect(top.stdout).toMatch(/pretrain <method>[\s\S]*compare \[\.\.\.checkpoints\]/);
  });

  it('an unknown command exits 2 and says how to list commands', async () => {
    const run = await runCli(['frobnicate'], directory);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command 'frobnicate'.*selfsup --help/);
  });

  it('datasets lists every id and describes one', async () => {
    const [list, mnist, names, unknown] = await Promise.all([
      runCli(['datasets', '--json'], directory),
      runCli(['datasets', 'describe', 'mnist', '--json'], directory),
      runCli(['datasets', 'describe', 'names'], directory),
      runCli(['datasets', 'describe', 'imagenet'], directory),
    ]);
    expect(list.code).toBe(0);
    const ids = (JSON.parse(list.stdout) as { id: string }[]).map((entry) => entry.id);
    expect(ids).toEqual([
      'mnist',
      'fashion-mnist',
      'moby-dick',
      'sotu',
      'spam-assassin',
      'names',
      'synthetic-audio',
      'moving-mnist',
      'captioned-mnist',
      'shapes',
    ]);
    expect(mnist.code, mnist.stderr).toBe(0);
    const description = JSON.parse(mnist.stdout) as {
      details: { train: { count: number }; test: { shape: number[] } };
    };
    expect(description.details.train.count).toBe(60000);
    expect(description.details.test.shape).toEqual([28, 28, 1]);
    expect(names.code, names.stderr).toBe(0);
    expect(names.stdout).toContain('"distinctCharacters"');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown dataset 'imagenet'\. Datasets: mnist/);
  });

  it('info reports the backend, threads, versions and where tfjs-node would come from', async () => {
    const run = await runCli(['info', '--json'], directory);
    expect(run.code, run.stderr).toBe(0);
    const info = JSON.parse(run.stdout) as {
      backend: string;
      threads: number;
      versions: Record<string, string | null>;
      tfjsNode: string;
    };
    expect(info.backend).toBe('wasm');
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.versions['@tensorflow/tfjs']).toBe('4.22.0');
    expect(info.versions['@selfsup/core']).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.tfjsNode).toMatch(/tfjs-node/);
  });

  it("bench runs the bench package's CLI with the arguments, and names a missing one", async () => {
    const fake = join(directory, 'fake-bench.mjs');
    writeFileSync(fake, 'console.log(JSON.stringify(process.argv.slice(2))); process.exit(3);\n');
    const run = await runCli(['bench', '--suite', 'simclr', 'quick'], directory, {
      SELFSUP_BENCH_CLI: fake,
    });
    expect(run.stdout.trim()).toBe('["--suite","simclr","quick"]');
    expect(run.code).toBe(3);
    const missing = await runCli(['bench'], directory, {
      SELFSUP_BENCH_CLI: join(directory, 'nope.js'),
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/SELFSUP_BENCH_CLI is .*nope\.js, which does not exist/);
  });
});
