import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../test/run-cli';

let directory: string;

beforeAll(() => {
  directory = temporaryDirectory();
});

/** The PNG signature. */
const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('pixelcnn and mae in selfsup pretrain, generate and evaluate (built binary)', () => {
  it('pixelcnn: pretrains, generate writes a PNG grid, evaluate reports the NLL', async () => {
    const pretrain = await runCli(
      [
        'pretrain',
        'pixelcnn',
        '--limit',
        '64',
        '--steps',
        '2',
        '--batch-size',
        '8',
        '--encoder-options',
        '{"channels":4,"blocks":1}',
        '--out',
        'pixelcnn',
        '--quiet',
      ],
      directory,
    );
    expect(pretrain.code, pretrain.stderr).toBe(0);
    const generate = await runCli(
      ['generate', 'pixelcnn', '--count', '2', '--seed', '1', '--out', 'digits.png', '--json'],
      directory,
    );
    expect(generate.code, generate.stderr).toBe(0);
    expect(JSON.parse(generate.stdout)).toMatchObject({ method: 'pixel-cnn', images: 2 });
    const png = readFileSync(join(directory, 'digits.png'));
    expect([...png.subarray(0, 8)]).toEqual(pngSignature);
    // Two 28×28 tiles side by side with 2-pixel borders: 62 × 32.
    expect(png.readUInt32BE(16)).toBe(62);
    expect(png.readUInt32BE(20)).toBe(32);
    const evaluation = await runCli(
      ['evaluate', 'pixelcnn', '--test-size', '16', '--json'],
      directory,
    );
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const nll = JSON.parse(evaluation.stdout) as {
      natsPerImage: number;
      bitsPerDim: number;
      images: number;
    };
    expect(nll.images).toBe(16);
    // bits/dim and nats/image are the same number in two units (784 pixels).
    expect(nll.bitsPerDim).toBeCloseTo(nll.natsPerImage / 784 / Math.LN2, 4);
    const image = await runCli(
      ['pretrain', 'pixelcnn', '--data', 'shapes', '--out', 'x'],
      directory,
    );
    expect(image.code).toBe(2);
  });

  it('mae: pretrains a tiny ViT and evaluate writes reconstructions, never overwriting', async () => {
    const pretrain = await runCli(
      [
        'pretrain',
        'mae',
        '--limit',
        '64',
        '--steps',
        '2',
        '--batch-size',
        '8',
        '--encoder-options',
        '{"embeddingSize":16,"layers":1,"heads":2}',
        '--out',
        'mae',
        '--quiet',
      ],
      directory,
    );
    expect(pretrain.code, pretrain.stderr).toBe(0);
    const evaluation = await runCli(
      [
        'evaluate',
        'mae',
        '--reconstructions',
        'mae.png',
        '--test-size',
        '3',
        '--mask-ratio',
        '0.5',
        '--json',
      ],
      directory,
    );
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const result = JSON.parse(evaluation.stdout) as {
      images: number;
      maskRatio: number;
      hiddenPixelError: number;
    };
    expect(result).toMatchObject({ images: 3, maskRatio: 0.5 });
    expect(result.hiddenPixelError).toBeGreaterThan(0);
    expect(result.hiddenPixelError).toBeLessThan(1);
    expect([...readFileSync(join(directory, 'mae.png')).subarray(0, 8)]).toEqual(pngSignature);
    const again = await runCli(['evaluate', 'mae', '--reconstructions', 'mae.png'], directory);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    const badRatio = await runCli(
      ['evaluate', 'mae', '--reconstructions', 'other.png', '--mask-ratio', '1.5'],
      directory,
    );
    expect(badRatio.code).toBe(2);
    expect(badRatio.stderr).toContain('--mask-ratio');
    // Label efficiency on the MAE checkpoint (its mask-token layer must be registered to load it).
    const compare = await runCli(
      [
        'compare',
        'mae',
        '--labels',
        '10',
        '--pool-size',
        '40',
        '--test-size',
        '20',
        '--epochs',
        '1',
        '--minimum-steps',
        '2',
        '--out',
        'mae-compare',
        '--json',
      ],
      directory,
    );
    expect(compare.code, compare.stderr).toBe(0);
    const study = JSON.parse(compare.stdout) as { summary: { runner: string }[] };
    expect(study.summary.map((row) => row.runner)).toContain('mae');
  });
});
