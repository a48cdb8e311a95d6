import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../test/run-cli';

let directory: string;

type CompareResult = {
  data: string;
  textInputs: string;
  rows: { runner: string; mode: string; labelCount: number; accuracy: number }[];
};

/** The fast paradigms at budgets 10 and 40 of a 200-mail pool: the wiring, not the paradigms. */
const small = [
  '--labels',
  '10,40',
  '--pool-size',
  '200',
  '--test-size',
  '100',
  '--epochs',
  '1',
  '--minimum-steps',
  '5',
  '--json',
  '--quiet',
];

beforeAll(() => {
  directory = temporaryDirectory();
  writeFileSync(
    join(directory, 'bert.json'),
    JSON.stringify({ methodOptions: { sequenceLength: 16, vocabularySize: 200 } }),
  );
});

describe('selfsup compare on text: SpamAssassin e-mails (built binary)', () => {
  it('compares a BERT checkpoint pretrained on unlabeled training bodies with scratch, LSA and k-means', async () => {
    const pretrain = await runCli(
      [
        'pretrain',
        'bert',
        '--data',
        'spam-assassin',
        '--limit',
        '200',
        '--steps',
        '2',
        '--config',
        'bert.json',
        '--encoder-options',
        '{"layers":1,"heads":2,"embeddingSize":16}',
        '--out',
        'bert',
        '--quiet',
      ],
      directory,
    );
    expect(pretrain.code, pretrain.stderr).toBe(0);
    const compare = await runCli(
      [
        'compare',
        'bert',
        '--paradigms',
        'linear-probe,full,scratch,pca,k-means',
        '--out',
        'compare-bert',
        ...small,
      ],
      directory,
    );
    expect(compare.code, compare.stderr).toBe(0);
    const result = JSON.parse(compare.stdout) as CompareResult;
    expect(result.data).toBe('spam-assassin');
    expect(result.textInputs).toMatch(
      /200-id tokenizer of bert, 16 tokens \(\[CLS\] text \[SEP\]\)/,
    );
    const cells = new Set(result.rows.map((row) => `${row.runner} ${row.mode}`));
    expect([...cells].sort()).toEqual(
      [
        'bert-mlm linear-probe',
        'bert-mlm full',
        'scratch full',
        'pca linear-probe',
        'k-means cluster-then-label',
      ].sort(),
    );
    expect(result.rows).toHaveLength(5 * 2 * 3);
    for (const row of result.rows) expect(row.accuracy).toBeGreaterThanOrEqual(0);
    // FixMatch augments images; a text encoder on MNIST has no tokenizer input: bad input, exit 2.
    const fixmatch = await runCli(
      ['compare', 'bert', '--paradigms', 'fixmatch', '--out', 'refused', ...small],
      directory,
    );
    expect(fixmatch.code).toBe(2);
    expect(fixmatch.stderr).toContain("take 'tokens' inputs: use pseudo-label");
    const images = await runCli(
      ['compare', 'bert', '--data', 'mnist', '--out', 'refused', '--force', ...small],
      directory,
    );
    expect(images.code).toBe(2);
    expect(images.stderr).toContain('use --data spam-assassin');
  });

  it('compares word2vec vectors (an embedding bag, probed and finetuned) with the bag from scratch', async () => {
    const pretrain = await runCli(
      [
        'pretrain',
        'word2vec',
        '--data',
        'spam-assassin',
        '--limit',
        '200',
        '--epochs',
        '1',
        '--out',
        'w2v',
        '--quiet',
      ],
      directory,
    );
    expect(pretrain.code, pretrain.stderr).toBe(0);
    const compare = await runCli(
      [
        'compare',
        'w2v',
        '--paradigms',
        'linear-probe,full,scratch',
        '--out',
        'compare-w2v',
        ...small,
      ],
      directory,
    );
    expect(compare.code, compare.stderr).toBe(0);
    const result = JSON.parse(compare.stdout) as CompareResult;
    expect(result.textInputs).toMatch(/words of w2v \(0: no vector\), 256 words/);
    expect(new Set(result.rows.map((row) => `${row.runner} ${row.mode}`))).toEqual(
      new Set(['word2vec linear-probe', 'word2vec full', 'scratch full']),
    );
  });
});
