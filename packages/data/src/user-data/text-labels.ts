import { compareNames } from './data-files';

/** Texts with optional class labels, as the user-data text loaders return them. */
export type LabeledTexts = {
  /** One string per document, line or row, in file order. */
  readonly texts: string[];
  /** The class index of each text (present when a label field/column was given). */
  readonly labels?: Int32Array;
  /** Sorted label names: `labels[i]` indexes this list (present with `labels`). */
  readonly classNames?: readonly string[];
};

/**
 * Maps raw label values to class indices over their sorted distinct names.
 *
 * Names are the values as strings. When every name is an integer the order is numeric (`2`
 * before `10`), else by code point, so the ids never depend on locale or file order.
 *
 * @param values one raw label per text.
 * @returns the class index of each value and the sorted class names.
 * @example
 * labelsToIds(['spam', 'ham', 'spam']); // { labels: [1, 0, 1], classNames: ['ham', 'spam'] }
 */
export function labelsToIds(values: readonly string[]): {
  labels: Int32Array;
  classNames: string[];
} {
  const classNames = [...new Set(values)];
  const integers = classNames.every((name) => /^-?\d+$/.test(name));
  classNames.sort(integers ? (left, right) => Number(left) - Number(right) : compareNames);
  const index = new Map(classNames.map((name, id) => [name, id]));
  const labels = new Int32Array(values.length);
  values.forEach((value, i) => {
    labels[i] = index.get(value)!;
  });
  return { labels, classNames };
}
