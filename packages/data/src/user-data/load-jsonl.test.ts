import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadJsonl } from './load-jsonl';

const root = mkdtempSync(join(tmpdir(), 'selfsup-jsonl-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(root, name);
  writeFileSync(path, content);
  return path;
}

describe('loadJsonl', () => {
  it('reads texts and maps labels to sorted ids (numeric order for integers)', () => {
    const path = file(
      'reviews.jsonl',
      '{"review": "good", "stars": 10, "id": 1}\n\n{"review": "bad", "stars": 2}\r\n{"review": "ok \\"quoted\\"", "stars": 10}\n',
    );
    const { texts, labels, classNames } = loadJsonl(path, {
      textField: 'review',
      labelField: 'stars',
    });
    expect(texts).toEqual(['good', 'bad', 'ok "quoted"']);
    expect(classNames).toEqual(['2', '10']);
    expect(labels).toEqual(Int32Array.from([1, 0, 1]));
    const unlabeled = loadJsonl(path, { textField: 'review' });
    expect(unlabeled).toEqual({ texts: ['good', 'bad', 'ok "quoted"'] });
    const named = file(
      'names.jsonl',
      '{"t":"a","c":"spam"}\n{"t":"b","c":"ham"}\n{"t":"c","c":"Spam"}',
    );
    const result = loadJsonl(named, { textField: 't', labelField: 'c' });
    expect(result.classNames).toEqual(['Spam', 'ham', 'spam']);
    expect(Array.from(result.labels!)).toEqual([2, 1, 0]);
  });

  it('names the file, line, field and existing fields on errors', () => {
    const path = file('broken.jsonl', '{"text": "a", "label": "x"}\n{"text": "b", "label": \n');
    expect(() => loadJsonl(path, { textField: 'text' })).toThrow(
      /broken\.jsonl line 2 is not valid JSON .*fix or remove that line/,
    );
    const fields = file(
      'fields.jsonl',
      '{"text": "a", "label": "x"}\n\n{"body": "b", "label": "y"}\n',
    );
    expect(() => loadJsonl(fields, { textField: 'text' })).toThrow(
      /fields\.jsonl line 3 has no field 'text' \(its fields: body, label\); pass textField/,
    );
    expect(() => loadJsonl(fields, { textField: 'label', labelField: 'class' })).toThrow(
      /fields\.jsonl line 1 has no field 'class' \(its fields: text, label\)/,
    );
    const types = file('types.jsonl', '{"text": 5}\n');
    expect(() => loadJsonl(types, { textField: 'text' })).toThrow(/line 1 has a number 'text'/);
    const array = file('array.jsonl', '["text"]\n');
    expect(() => loadJsonl(array, { textField: 'text' })).toThrow(
      /array\.jsonl line 1 is not a JSON object/,
    );
    const nested = file('nested.jsonl', '{"text": "a", "label": {"x": 1}}\n');
    expect(() => loadJsonl(nested, { textField: 'text', labelField: 'label' })).toThrow(
      /line 1 has a non-scalar 'label'/,
    );
    expect(() => loadJsonl(file('blank.jsonl', '\n\n'), { textField: 'text' })).toThrow(
      /blank\.jsonl holds no JSON lines/,
    );
    expect(() => loadJsonl(join(root, 'absent.jsonl'), { textField: 'text' })).toThrow(
      /absent\.jsonl does not exist/,
    );
    expect(() => loadJsonl(root, { textField: 'text' })).toThrow(
      /is a folder; pass the path of a JSONL file/,
    );
  });
});
