import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../test/run-cli';

let directory: string;

/** A tiny Transformer for BERT and GPT: one block of 16 dimensions. */
const tinyTransformer = ['--encoder-options', '{"layers":1,"heads":2,"embeddingSize":16}'];

beforeAll(() => {
  directory = temporaryDirectory();
  writeFileSync(
    join(directory, 'bert.json'),
    JSON.stringify({ methodOptions: { sequenceLength: 16, vocabularySize: 200 } }),
  );
  writeFileSync(
    join(directory, 'gpt.yaml'),
    'methodOptions:\n  blockSize: 16\nbatchSize: 4\nsteps: 2\n',
  );
});

type Neighbours = {
  method: string;
  word: string;
  neighbours: { word: string; similarity: number }[];
};

describe('text methods of selfsup pretrain, with similar, fill-mask and generate (built binary)', () => {
  it('word2vec: trains on 3 SOTU addresses, saves the vectors, and similar finds neighbours', async () => {
    const pretrain = await runCli(
      ['pretrain', 'word2vec', '--limit', '3', '--epochs', '1', '--out', 'w2v', '--json'],
      directory,
    );
    expect(pretrain.code, pretrain.stderr).toBe(0);
    const result = JSON.parse(pretrain.stdout) as { method: string; files: string[]; loss: number };
    expect(result.method).toBe('word2vec');
    expect(result.files).toContain(join('w2v', 'vectors.txt'));
    expect(Number.isFinite(result.loss)).toBe(true);
    const similar = await runCli(['similar', 'w2v', 'Nation', '--top-k', '3', '--json'], directory);
    expect(similar.code, similar.stderr).toBe(0);
    const answer = JSON.parse(similar.stdout) as Neighbours;
    expect(answer).toMatchObject({ method: 'word2vec', word: 'nation' });
    expect(answer.neighbours).toHaveLength(3);
    expect(answer.neighbours.map((neighbour) => neighbour.word)).not.toContain('nation');
    const sorted = [...answer.neighbours].sort((a, b) => b.similarity - a.similarity);
    expect(answer.neighbours).toEqual(sorted);
    // An unknown word, and an existing run directory without --force: bad input, exit 2.
    const unknown = await runCli(['similar', 'w2v', 'qqqzzz'], directory);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("'qqqzzz' is not in the");
    const again = await runCli(['pretrain', 'word2vec', '--limit', '3', '--out', 'w2v'], directory);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
  });

  it('glove: trains (its loss falls), similar answers; text methods refuse image data', async () => {
    const pretrain = await runCli(
      ['pretrain', 'glove', '--limit', '3', '--epochs', '3', '--out', 'glove', '--json'],
      directory,
    );
    expect(pretrain.code, pretrain.stderr).toBe(0);
    const result = JSON.parse(pretrain.stdout) as {
      method: string;
      loss: number;
      metrics: { firstLoss: number; words: number };
    };
    expect(result.method).toBe('glove');
    expect(result.loss).toBeLessThan(result.metrics.firstLoss);
    expect(result.metrics.words).toBeGreaterThan(10);
    const similar = await runCli(['similar', 'glove', 'nation', '--top-k', '2'], directory);
    expect(similar.code, similar.stderr).toBe(0);
    expect(similar.stdout.trim().split('\n')).toHaveLength(2);
    const image = await runCli(['pretrain', 'glove', '--data', 'mnist', '--out', 'g2'], directory);
    expect(image.code).toBe(2);
    expect(image.stderr).toContain('glove trains on text');
  });

  it('bert: pretrains a tiny model, fill-mask answers, and each command refuses the other runs', async () => {
    const pretrain = await runCli(
      [
        'pretrain',
        'bert',
        '--limit',
        '3',
        '--steps',
        '3',
        '--batch-size',
        '4',
        '--config',
        'bert.json',
        ...tinyTransformer,
        '--out',
        'bert',
        '--json',
      ],
      directory,
    );
    expect(pretrain.code, pretrain.stderr).toBe(0);
    expect(JSON.parse(pretrain.stdout)).toMatchObject({ method: 'bert', step: 3 });
    const fill = await runCli(
      ['fill-mask', 'bert', 'the [MASK] of the union', '--top-k', '3', '--json'],
      directory,
    );
    expect(fill.code, fill.stderr).toBe(0);
    const masks = (JSON.parse(fill.stdout) as { masks: { token: string; probability: number }[][] })
      .masks;
    expect(masks).toHaveLength(1);
    expect(masks[0]).toHaveLength(3);
    for (const candidate of masks[0] ?? []) {
      expect(candidate.probability).toBeGreaterThan(0);
      expect(candidate.probability).toBeLessThanOrEqual(1);
    }
    const noMask = await runCli(['fill-mask', 'bert', 'no mask here'], directory);
    expect(noMask.code).toBe(2);
    expect(noMask.stderr).toContain('[MASK]');
    const vectors = await runCli(['fill-mask', 'w2v', 'the [MASK]'], directory);
    expect(vectors.code).toBe(2);
    expect(vectors.stderr).toContain('selfsup similar');
    const similar = await runCli(['similar', 'bert', 'nation'], directory);
    expect(similar.code).toBe(2);
    expect(similar.stderr).toContain("method 'bert'");
    const generate = await runCli(['generate', 'bert'], directory);
    expect(generate.code).toBe(2);
    expect(generate.stderr).toContain('selfsup pretrain gpt');
  });

  it('gpt: pretrains on names (config file), generate streams text, the same seed gives the same text', async () => {
    const pretrain = await runCli(
      [
        'pretrain',
        'gpt',
        '--data',
        'names',
        '--limit',
        '200',
        '--config',
        'gpt.yaml',
        ...tinyTransformer,
        '--out',
        'gpt',
        '--quiet',
      ],
      directory,
    );
    expect(pretrain.code, pretrain.stderr).toBe(0);
    const streamed = await runCli(
      ['generate', 'gpt', '--prompt', 'an', '--max-tokens', '12', '--top-k', '5', '--seed', '3'],
      directory,
    );
    expect(streamed.code, streamed.stderr).toBe(0);
    expect(streamed.stdout.startsWith('an')).toBe(true);
    const asJson = async () => {
      const run = await runCli(
        [
          'generate',
          'gpt',
          '--prompt',
          'an',
          '--max-tokens',
          '12',
          '--top-k',
          '5',
          '--seed',
          '3',
          '--json',
        ],
        directory,
      );
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as { text: string; tokens: number };
    };
    const first = await asJson();
    expect(first.tokens).toBeGreaterThan(0);
    expect(first.tokens).toBeLessThanOrEqual(12);
    // Streaming prints the prompt, then the same tokens as the JSON result.
    expect(streamed.stdout).toBe(`an${first.text}\n`);
    // The same settings from a config file give the same text; a flag wins over the file.
    writeFileSync(
      join(directory, 'generate.yaml'),
      'prompt: an\nmaxTokens: 12\ntopK: 5\nseed: 9\n',
    );
    const configured = await runCli(
      ['generate', 'gpt', '--config', 'generate.yaml', '--seed', '3', '--json'],
      directory,
    );
    expect(configured.code, configured.stderr).toBe(0);
    expect((JSON.parse(configured.stdout) as { text: string }).text).toBe(first.text);
    // evaluate: perplexity of the names after the 200 trained on, a real probability.
    const evaluation = await runCli(
      ['evaluate', 'gpt', '--test-size', '2000', '--json'],
      directory,
    );
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const scored = JSON.parse(evaluation.stdout) as {
      loss: number;
      perplexity: number;
      tokens: number;
    };
    expect(scored.tokens).toBeGreaterThan(1000);
    expect(scored.perplexity).toBeCloseTo(Math.exp(scored.loss), 3);
    expect(scored.perplexity).toBeGreaterThan(1);
    const badTopP = await runCli(['generate', 'gpt', '--top-p', '2'], directory);
    expect(badTopP.code).toBe(2);
    expect(badTopP.stderr).toContain('--top-p');
  });

  it('elmo: pretrains a tiny biLM on WordPiece tokens and checkpoints its encoder', async () => {
    const pretrain = await runCli(
      [
        'pretrain',
        'elmo',
        '--limit',
        '3',
        '--steps',
        '2',
        '--batch-size',
        '4',
        '--config',
        'bert.json',
        '--encoder-options',
        '{"size":8}',
        '--out',
        'elmo',
        '--json',
      ],
      directory,
    );
    expect(pretrain.code, pretrain.stderr).toBe(0);
    const result = JSON.parse(pretrain.stdout) as {
      method: string;
      metrics: Record<string, number>;
    };
    expect(result.method).toBe('elmo');
    expect(result.metrics.forwardLoss).toBeGreaterThan(0);
  });

  it('--help of the new commands names their flags', async () => {
    for (const [command, flag] of [
      ['generate', '--max-tokens'],
      ['fill-mask', '--top-k'],
      ['similar', '--top-k'],
    ] as const) {
      const help = await runCli([command, '--help'], directory);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toContain(flag);
    }
  });
});
