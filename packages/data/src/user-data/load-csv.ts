import papaparse from 'papaparse';
import { readTextFile } from './read-text-file';
import { type LabeledTexts, labelsToIds } from './text-labels';

/** Options of {@link loadCsv}. */
export type LoadCsvOptions = {
  /** The header name of the column that holds the text. */
  readonly textColumn: string;
  /** The header name of the column that holds the class; omit for unlabeled text. */
  readonly labelColumn?: string;
  /** The field separator; detected (`,` `;` tab `|`) when omitted. @default detected */
  readonly delimiter?: string;
};

/**
 * Loads texts (and optional labels) from a CSV file with a header row, parsed by `papaparse`
 * (MIT, mholt/PapaParse; quoted fields, embedded newlines and commas, any delimiter).
 *
 * Empty lines are ignored. Every row must have as many fields as the header: a ragged row is an
 * error naming the file and the row (the header is row 1). A missing column is an error naming
 * the file, the column and the columns that exist. Labels become ids over their sorted distinct
 * names (numeric order when every label is an integer); an empty label is a class named `''`.
 *
 * @param path a `.csv` (or `.tsv`) file with a header row.
 * @param options textColumn, labelColumn, delimiter; see {@link LoadCsvOptions}.
 * @returns the texts, and with `labelColumn` the labels (Int32Array) and the class names.
 * @example
 * const { texts, labels, classNames } = loadCsv('sms.csv', { textColumn: 'message', labelColumn: 'label' });
 */
export function loadCsv(path: string, options: LoadCsvOptions): LabeledTexts {
  const { textColumn, labelColumn, delimiter } = options;
  const loader = 'loadCsv';
  let content = readTextFile(path, loader, 'a CSV file with a header row');
  if (content.startsWith('\uFEFF')) content = content.slice(1);
  const parsed = papaparse.parse<string[]>(content, {
    header: false,
    skipEmptyLines: true,
    ...(delimiter === undefined ? {} : { delimiter }),
  });
  const syntaxError = parsed.errors.find((error) => error.type === 'Quotes');
  if (syntaxError !== undefined) {
    throw new Error(
      `${loader}: ${path} row ${(syntaxError.row ?? 0) + 1} (the header is row 1): ${syntaxError.message}; close the quoted field.`,
    );
  }
  const [header, ...rows] = parsed.data;
  if (header === undefined) {
    throw new Error(`${loader}: ${path} is empty; write a header row and one row per text.`);
  }
  const columnIndex = (name: string, option: string) => {
    const index = header.indexOf(name);
    if (index < 0) {
      throw new Error(
        `${loader}: ${path} has no column '${name}' (its columns: ${header.map((column) => `'${column}'`).join(', ')}); pass ${option} as one of them.`,
      );
    }
    return index;
  };
  const textIndex = columnIndex(textColumn, 'textColumn');
  const labelIndex = labelColumn === undefined ? -1 : columnIndex(labelColumn, 'labelColumn');
  const texts: string[] = [];
  const labelValues: string[] = [];
  rows.forEach((row, index) => {
    if (row.length !== header.length) {
      throw new Error(
        `${loader}: ${path} row ${index + 2} (the header is row 1) has ${row.length} fields but the header has ${header.length}; ` +
          'quote fields that contain the delimiter, or fix the row.',
      );
    }
    texts.push(row[textIndex]!);
    if (labelIndex >= 0) labelValues.push(row[labelIndex]!);
  });
  if (labelColumn === undefined) return { texts };
  return { texts, ...labelsToIds(labelValues) };
}
