import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../commands/parse-flags';
import { loadConfigFile } from './load-config-file';
import { pretrainConfigSchema } from './pretrain-config';

const directory = mkdtempSync(join(tmpdir(), 'selfsup-config-'));

function write(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

describe('loadConfigFile', () => {
  it('reads YAML and JSON into the same validated config', () => {
    const yaml = write(
      'a.yaml',
      'steps: 10\nbatchSize: 32\nencoderOptions:\n  channels: [8, 16]\n',
    );
    const json = write(
      'a.json',
      JSON.stringify({ steps: 10, batchSize: 32, encoderOptions: { channels: [8, 16] } }),
    );
    expect(loadConfigFile(yaml, pretrainConfigSchema)).toEqual(
      loadConfigFile(json, pretrainConfigSchema),
    );
    expect(loadConfigFile(write('empty.yaml', ''), pretrainConfigSchema)).toEqual({});
  });

  it('names the path of a bad value and refuses unknown keys', () => {
    expect(() => loadConfigFile(write('b.yaml', 'steps: ten\n'), pretrainConfigSchema)).toThrow(
      /--config .*b\.yaml: steps: .*number/,
    );
    expect(() =>
      loadConfigFile(write('c.yaml', 'stepz: 10\nbatch: 2\n'), pretrainConfigSchema),
    ).toThrow(/unknown keys 'stepz', 'batch'/);
    expect(() => loadConfigFile(write('d.yaml', 'backend: tpu\n'), pretrainConfigSchema)).toThrow(
      /backend: /,
    );
  });

  it('says what is wrong with the file itself', () => {
    expect(() => loadConfigFile(join(directory, 'missing.yaml'), pretrainConfigSchema)).toThrow(
      UsageError,
    );
    expect(() => loadConfigFile(write('e.toml', 'steps = 1'), pretrainConfigSchema)).toThrow(
      /use a \.yaml, \.yml or \.json file/,
    );
    expect(() => loadConfigFile(write('f.json', '{ steps: '), pretrainConfigSchema)).toThrow(
      /is not valid JSON/,
    );
    expect(() => loadConfigFile(write('g.yaml', 'steps: [1,\n'), pretrainConfigSchema)).toThrow(
      /is not valid YAML/,
    );
  });
});
