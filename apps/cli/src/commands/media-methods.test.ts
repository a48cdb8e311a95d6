import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../test/run-cli';

let directory: string;

beforeAll(() => {
  directory = temporaryDirectory();
  writeFileSync(
    join(directory, 'wavenet.json'),
    JSON.stringify({
      encoderOptions: { layers: 3, channels: 4, skipChannels: 8, dilationCycle: 3, classes: 8 },
      methodOptions: { clipSeconds: 0.5, cropLength: 512 },
    }),
  );
});

describe('wavenet, wav2vec2 and frame-order in selfsup pretrain, and generate audio (built binary)', () => {
  it('wavenet: pretrains a tiny conditional model and generate writes a WAV, never overwriting', async () => {
    const pretrain = await runCli(
      [
        'pretrain',
        'wavenet',
        '--config',
        'wavenet.json',
        '--steps',
        '2',
        '--batch-size',
        '2',
        '--out',
        'wavenet',
        '--json',
      ],
      directory,
    );
    expect(pretrain.code, pretrain.stderr).toBe(0);
    expect(JSON.parse(pretrain.stdout)).toMatchObject({ method: 'wavenet', step: 2 });
    const generate = await runCli(
      ['generate', 'wavenet', '--seconds', '0.05', '--class', '3', '--out', 'tone.wav', '--json'],
      directory,
    );
    expect(generate.code, generate.stderr).toBe(0);
    expect(JSON.parse(generate.stdout)).toMatchObject({
      method: 'wavenet',
      samples: 400,
      sampleRate: 8000,
      classId: 3,
    });
    const bytes = readFileSync(join(directory, 'tone.wav'));
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(bytes.subarray(8, 12).toString('latin1')).toBe('WAVE');
    expect(bytes.length).toBe(44 + 2 * 400);
    const again = await runCli(
      ['generate', 'wavenet', '--seconds', '0.05', '--out', 'tone.wav'],
      directory,
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    // --top-p reaches WaveNet's sampling: a nucleus this small keeps only the likeliest level,
    // so the clip is the greedy one (--temperature 0), byte for byte.
    for (const [flags, out] of [
      [['--top-p', '0.000001'], 'nucleus.wav'],
      [['--temperature', '0'], 'greedy.wav'],
    ] as const) {
      const run = await runCli(
        ['generate', 'wavenet', '--seconds', '0.05', '--class', '3', ...flags, '--out', out],
        directory,
      );
      expect(run.code, run.stderr).toBe(0);
    }
    expect(readFileSync(join(directory, 'nucleus.wav'))).toEqual(
      readFileSync(join(directory, 'greedy.wav')),
    );
    const evaluation = await runCli(
      ['evaluate', 'wavenet', '--test-size', '2', '--json'],
      directory,
    );
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const nll = JSON.parse(evaluation.stdout) as {
      loss: number;
      bitsPerSample: number;
      clips: number;
    };
    expect(nll.clips).toBe(2);
    // At most 8 bits per sample for a model near uniform over 256 levels, and the same number in bits.
    expect(nll.bitsPerSample).toBeCloseTo(nll.loss / Math.LN2, 6);
    expect(nll.bitsPerSample).toBeGreaterThan(0);
    expect(nll.bitsPerSample).toBeLessThan(12);
    const badClass = await runCli(
      ['generate', 'wavenet', '--class', '9', '--out', 'x.wav'],
      directory,
    );
    expect(badClass.code).toBe(2);
    expect(badClass.stderr).toContain('classes 0 to 7');
  });

  it('wavenet with control tracks: evaluate scores clips given their own tracks; generate names the run script', async () => {
    // A tiny locally conditioned WaveNet saved by core's pretrain (as the WaveNet run script saves one).
    const { initBackend, pretrain } = await import('@selfsup/core');
    const { createWavenetObjective } = await import('@selfsup/autoregressive');
    const tf = await import('@tensorflow/tfjs');
    await initBackend({ backend: 'wasm', quiet: true });
    const objective = createWavenetObjective({
      wavenet: { layers: 2, channels: 4, skipChannels: 8, classes: 8, controls: 2, controlHop: 64 },
      cropLength: 256,
    });
    const batch = {
      audio: tf.randomUniform(
        [2, 512, 1],
        -0.5,
        0.5,
        'float32',
        1,
      ) as import('@tensorflow/tfjs').Tensor3D,
      labels: tf.tensor1d([0, 1], 'int32'),
      controls: tf.randomUniform(
        [2, 8, 2],
        -1,
        1,
        'float32',
        2,
      ) as import('@tensorflow/tfjs').Tensor3D,
    };
    const run = join(directory, 'wavenet-controls');
    await pretrain(objective, [batch], {
      steps: 1,
      learningRate: 1e-3,
      checkpoint: { directory: run },
    });
    tf.dispose([batch.audio, batch.labels, batch.controls]);
    objective.dispose();
    const evaluation = await runCli(['evaluate', run, '--test-size', '2', '--json'], directory);
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const nll = JSON.parse(evaluation.stdout) as { bitsPerSample: number; clips: number };
    expect(nll.clips).toBe(2);
    expect(nll.bitsPerSample).toBeGreaterThan(4);
    expect(nll.bitsPerSample).toBeLessThan(12);
    const generate = await runCli(['generate', run, '--out', 'controls.wav'], directory);
    expect(generate.code).toBe(2);
    expect(generate.stderr).toContain('locally conditioned on control tracks');
    expect(generate.stderr).toContain('wavenet-full-run.mjs --from-run');
  });

  it('frame-order: pretrains on Moving MNIST clips and refuses image data', async () => {
    const pretrain = await runCli(
      [
        'pretrain',
        'frame-order',
        '--steps',
        '2',
        '--batch-size',
        '2',
        '--encoder-options',
        '{"channels":[4],"outputSize":8}',
        '--out',
        'frame-order',
        '--json',
      ],
      directory,
    );
    expect(pretrain.code, pretrain.stderr).toBe(0);
    const result = JSON.parse(pretrain.stdout) as { method: string; step: number; loss: number };
    expect(result).toMatchObject({ method: 'frame-order', step: 2 });
    expect(Number.isFinite(result.loss)).toBe(true);
    const manifest = JSON.parse(
      readFileSync(join(directory, 'frame-order', 'step-00000002', 'selfsup.json'), 'utf8'),
    ) as { method: string; dataset: { id: string; frames: number; size: number } };
    expect(manifest.method).toBe('frame-order');
    expect(manifest.dataset).toMatchObject({ id: 'moving-mnist', frames: 6, size: 40 });
    const image = await runCli(
      ['pretrain', 'frame-order', '--data', 'mnist', '--out', 'x'],
      directory,
    );
    expect(image.code).toBe(2);
    expect(image.stderr).toContain('frame-order trains on video clips');
  });

  it('wav2vec2: pretrains a tiny encoder on synthetic audio and records its method', async () => {
    const pretrain = await runCli(
      [
        'pretrain',
        'wav2vec2',
        '--steps',
        '2',
        '--batch-size',
        '2',
        '--encoder-options',
        '{"blocks":1,"modelSize":16,"heads":2,"featureEncoder":{"channels":8}}',
        '--out',
        'wav2vec2',
        '--json',
      ],
      directory,
    );
    expect(pretrain.code, pretrain.stderr).toBe(0);
    expect(JSON.parse(pretrain.stdout)).toMatchObject({ method: 'wav2vec2', step: 2 });
    const manifest = JSON.parse(
      readFileSync(join(directory, 'wav2vec2', 'step-00000002', 'selfsup.json'), 'utf8'),
    ) as { method: string; encoder: { type: string } };
    expect(manifest).toMatchObject({ method: 'wav2vec2', encoder: { type: 'wav2vec2' } });
  });
});
