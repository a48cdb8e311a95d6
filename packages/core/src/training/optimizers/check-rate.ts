/**
 * Returns `value` when it is a finite number ≥ 0 (and < 1 with `below1`), else throws a
 * RangeError naming the optimizer and the hyper-parameter.
 *
 * @param owner the optimizer name, for the message.
 * @param name the hyper-parameter name.
 * @param value the value to check.
 * @param options `below1` for decay rates such as β1, β2 and momentum.
 * @returns `value`.
 * @example checkRate('adamw', 'beta1', 0.9, { below1: true })
 */
export function checkRate(
  owner: string,
  name: string,
  value: number,
  { below1 = false } = {},
): number {
  if (!Number.isFinite(value) || value < 0 || (below1 && value >= 1)) {
    throw new RangeError(
      `${owner}: ${name} must be a finite number in [0, ${below1 ? '1)' : '∞)'}, got ${value}.`,
    );
  }
  return value;
}
