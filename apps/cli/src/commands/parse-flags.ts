/** A command-line value that is not what the flag takes: the CLI exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An integer ≥ `minimum` from a flag value, or a {@link UsageError} naming the flag. */
export function parsePositiveInteger(value: unknown, flag: string, minimum = 1): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < minimum) {
    throw new UsageError(`${flag} takes an integer ≥ ${minimum}, got '${String(value)}'.`);
  }
  return number;
}

/** A number > 0 from a flag value, or a {@link UsageError} naming the flag. */
export function parsePositiveNumber(value: unknown, flag: string): number {
  const number = Number(value);
  if (!(Number.isFinite(number) && number > 0)) {
    throw new UsageError(`${flag} takes a number > 0, got '${String(value)}'.`);
  }
  return number;
}

/** A comma-separated list of integers ≥ 0 (e.g. `--labels 10,100,1000`). */
export function parseIntegerList(value: unknown, flag: string): number[] {
  const items = String(value)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0)
    throw new UsageError(`${flag} takes a comma-separated list of integers, got nothing.`);
  return items.map((item) => parsePositiveInteger(item, flag, 0));
}
