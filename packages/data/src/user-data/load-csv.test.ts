import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCsv } from './load-csv';

const root = mkdtempSync(join(tmpdir(), 'selfsup-csv-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(root, name);
  writeFileSync(path, content);
  return path;
}

describe('loadCsv', () => {
  it('reads quoted fields with commas and newlines, and maps labels to sorted ids', () => {
    const path = file(
      'sms.csv',
      '\uFEFFlabel,message\r\nspam,"Win, now!"\r\nham,"see you\nlater"\r\n\r\nham,"say ""hi"""\r\n',
    );
    const { texts, labels, classNames } = loadCsv(path, {
      textColumn: 'message',
      labelColumn: 'label',
    });
    expect(texts).toEqual(['Win, now!', 'see you\nlater', 'say "hi"']);
    expect(classNames).toEqual(['ham', 'spam']);
    expect(labels).toEqual(Int32Array.from([1, 0, 0]));
    expect(loadCsv(path, { textColumn: 'message' })).toEqual({ texts });
  });

  it('detects or takes a delimiter', () => {
    const path = file('semi.tsv', 'id\ttext\n1\ta;b\n2\tc');
    expect(loadCsv(path, { textColumn: 'text', labelColumn: 'id' })).toEqual({
      texts: ['a;b', 'c'],
      labels: Int32Array.from([0, 1]),
      classNames: ['1', '2'],
    });
    expect(loadCsv(path, { textColumn: 'text', delimiter: '\t' }).texts).toEqual(['a;b', 'c']);
  });

  it('names the file, the missing column and the columns that exist', () => {
    const path = file('columns.csv', 'title,body\nA,B\n');
    expect(() => loadCsv(path, { textColumn: 'text' })).toThrow(
      /columns\.csv has no column 'text' \(its columns: 'title', 'body'\); pass textColumn as one of them/,
    );
    expect(() => loadCsv(path, { textColumn: 'body', labelColumn: 'label' })).toThrow(
      /has no column 'label' .*pass labelColumn/,
    );
  });

  it('names the file and the row of a ragged row, and other bad input', () => {
    const path = file('ragged.csv', 'label,text\na,one\nb,two,extra\n');
    expect(() => loadCsv(path, { textColumn: 'text' })).toThrow(
      /ragged\.csv row 3 \(the header is row 1\) has 3 fields but the header has 2; quote fields/,
    );
    const short = file('short.csv', 'label,text\na\n');
    expect(() => loadCsv(short, { textColumn: 'text' })).toThrow(/short\.csv row 2 .*has 1 fields/);
    expect(() => loadCsv(file('empty.csv', ''), { textColumn: 'text' })).toThrow(
      /empty\.csv is empty/,
    );
    expect(() => loadCsv(join(root, 'gone.csv'), { textColumn: 'text' })).toThrow(
      /gone\.csv does not exist/,
    );
    const quote = file('quote.csv', 'text\n"never closed\n');
    expect(() => loadCsv(quote, { textColumn: 'text' })).toThrow(
      /quote\.csv row .*close the quoted field/,
    );
  });
});
