import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReliabilityBench, type ReliabilityBench, tinyFlags } from './reliability-cli';

let bench: ReliabilityBench;
beforeAll(async () => {
  bench = await createReliabilityBench('bad-input');
  const run = await bench.run([
    'pretrain',
    'rotation',
    ...tinyFlags,
    '--steps',
    '2',
    '--checkpoint-every',
    '1',
    '--out',
    'pristine',
    '--quiet',
  ]);
  expect(run.code, run.stderr).toBe(0);
}, 120_000);
afterAll(() => bench.dispose());

/** Every file of a directory tree with its bytes. */
function tree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (directory: string): void => {
    for (const name of readdirSync(directory)) {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(root, path)] = readFileSync(path).toString('base64');
    }
  };
  walk(root);
  return files;
}

/** A copy of the finished run with one kind of damage. */
function damagedRun(name: string, damage: (directory: string) => void): string {
  const directory = join(bench.directory, name);
  cpSync(join(bench.directory, 'pristine'), directory, { recursive: true });
  damage(directory);
  return directory;
}

const manifest = (directory: string): string => join(directory, 'step-00000002', 'selfsup.json');
const editManifest = (directory: string, edit: (value: Record<string, unknown>) => void): void => {
  const value = JSON.parse(readFileSync(manifest(directory), 'utf8')) as Record<string, unknown>;
  edit(value);
  writeFileSync(manifest(directory), JSON.stringify(value));
};

describe('selfsup pretrain --resume on a damaged run: exit code 2, a message naming the file, nothing overwritten', () => {
  it.each([
    {
      damage: 'truncated weights',
      apply: (directory: string) =>
        truncateSync(join(directory, 'step-00000002', 'encoder', 'group1-shard1of1.bin'), 100),
      message:
        /step-00000002[/\\]encoder[/\\]group1-shard1of1\.bin: holds 100 bytes of weights .* truncated/,
    },
    {
      damage: 'an edited manifest (step is text)',
      apply: (directory: string) => editManifest(directory, (value) => (value.step = 'two')),
      message:
        /step-00000002[/\\]selfsup\.json: is not a valid selfsup checkpoint manifest \(step: /,
    },
    {
      damage: 'a checkpoint of another method',
      apply: (directory: string) => editManifest(directory, (value) => (value.method = 'simclr')),
      message:
        /selfsup\.json: was written by method 'simclr', but the objective is 'rotation-prediction'/,
    },
    {
      damage: 'a checkpoint of another format version',
      apply: (directory: string) => editManifest(directory, (value) => (value.formatVersion = 7)),
      message: /selfsup\.json: format version 7, but this @selfsup\/core reads version 1/,
    },
    {
      damage: 'weights of the wrong shape',
      apply: (directory: string) => {
        const path = join(directory, 'step-00000002', 'encoder', 'model.json');
        const model = JSON.parse(readFileSync(path, 'utf8')) as {
          weightsManifest: { weights: { shape: number[] }[] }[];
        };
        const first = model.weightsManifest[0]?.weights[0];
        if (first !== undefined) first.shape = [...first.shape].reverse().concat([1]);
        writeFileSync(path, JSON.stringify(model));
      },
      message: /step-00000002[/\\]encoder[/\\]model\.json/,
    },
    {
      damage: 'a damaged run.json',
      apply: (directory: string) =>
        writeFileSync(join(directory, 'run.json'), '{"method": "rotation", "steps": '),
      message: /run\.json/,
    },
  ])('$damage', async ({ damage, apply, message }) => {
    const name = damage.replaceAll(/\W+/g, '-');
    const directory = damagedRun(name, apply);
    const before = tree(directory);
    const run = await bench.run([
      'pretrain',
      'rotation',
      '--out',
      name,
      '--resume',
      '--steps',
      '4',
    ]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(tree(directory)).toEqual(before);
  });
});

describe('selfsup pretrain on broken data: exit code 2, a message naming the file, no output created', () => {
  it('a folder whose only PNG is truncated, and an empty folder', async () => {
    mkdirSync(join(bench.directory, 'broken-images', 'cats'), { recursive: true });
    // A PNG signature, then nothing.
    writeFileSync(
      join(bench.directory, 'broken-images', 'cats', 'a.png'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]),
    );
    mkdirSync(join(bench.directory, 'no-images'));
    const [truncated, empty] = await Promise.all([
      bench.run(['pretrain', 'rotation', '--data', './broken-images', '--out', 'from-broken']),
      bench.run(['pretrain', 'rotation', '--data', './no-images', '--out', 'from-empty']),
    ]);
    expect(truncated.code).toBe(2);
    expect(truncated.stderr).toMatch(/broken-images[/\\]cats[/\\]a\.png is not a readable PNG/);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/\.\/no-images holds no files/);
    expect(existsSync(join(bench.directory, 'from-broken'))).toBe(false);
    expect(existsSync(join(bench.directory, 'from-empty'))).toBe(false);
  });
});
