import { labelName, readTextFile } from './read-text-file';
import { type LabeledTexts, labelsToIds } from './text-labels';

/** Options of {@link loadJsonl}. */
export type LoadJsonlOptions = {
  /** The field of each object that holds the text (a string). */
  readonly textField: string;
  /** The field that holds the class (a string, number or boolean); omit for unlabeled text. */
  readonly labelField?: string;
};

/**
 * Loads texts (and optional labels) from a JSON Lines file: one JSON object per line.
 *
 * Blank lines are ignored. Each object must have `textField` as a string and, when given,
 * `labelField` as a string, number or boolean; labels become ids over their sorted distinct names
 * (numeric order when every label is an integer). A malformed line, a missing field or a wrong
 * type is an error naming the file, the line number, the field and the fields that line has.
 *
 * @param path a `.jsonl` file.
 * @param options textField and labelField; see {@link LoadJsonlOptions}.
 * @returns the texts, and with `labelField` the labels (Int32Array) and the class names.
 * @example
 * const { texts, labels, classNames } = loadJsonl('reviews.jsonl', { textField: 'review', labelField: 'stars' });
 */
export function loadJsonl(path: string, options: LoadJsonlOptions): LabeledTexts {
  const { textField, labelField } = options;
  const loader = 'loadJsonl';
  const content = readTextFile(path, loader, 'a JSONL file (one JSON object per line)');
  const texts: string[] = [];
  const labelValues: string[] = [];
  const lines = content.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '') continue;
    const where = `${path} line ${index + 1}`;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new Error(
        `${loader}: ${where} is not valid JSON (${(error as Error).message}); fix or remove that line (each line must be one JSON object).`,
      );
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new Error(
        `${loader}: ${where} is not a JSON object; write each line as {"${textField}": "…"}.`,
      );
    }
    const fields = record as Record<string, unknown>;
    const existing = () => Object.keys(fields).join(', ') || 'none';
    if (!(textField in fields)) {
      throw new Error(
        `${loader}: ${where} has no field '${textField}' (its fields: ${existing()}); pass textField as one of them.`,
      );
    }
    const text = fields[textField];
    if (typeof text !== 'string') {
      throw new Error(
        `${loader}: ${where} has a ${text === null ? 'null' : typeof text} '${textField}'; the text field must be a string.`,
      );
    }
    texts.push(text);
    if (labelField !== undefined) {
      if (!(labelField in fields)) {
        throw new Error(
          `${loader}: ${where} has no field '${labelField}' (its fields: ${existing()}); pass labelField as one of them, or omit it.`,
        );
      }
      const name = labelName(fields[labelField]);
      if (name === undefined) {
        throw new Error(
          `${loader}: ${where} has a non-scalar '${labelField}'; a label must be a string, number or boolean.`,
        );
      }
      labelValues.push(name);
    }
  }
  if (texts.length === 0) {
    throw new Error(`${loader}: ${path} holds no JSON lines; write one JSON object per line.`);
  }
  if (labelField === undefined) return { texts };
  return { texts, ...labelsToIds(labelValues) };
}
