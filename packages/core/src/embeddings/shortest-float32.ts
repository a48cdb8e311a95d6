/** 10⁰ … 10²², every power of ten a double holds exactly. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, power) => 10 ** power);

/**
 * The shortest decimal number that reads back as the same float32, so that text exports (CSV,
 * JSON) stay small and round-trip exactly: `0.1f` prints as `0.1`, not `0.10000000149011612`.
 *
 * Tries 1, 2, … 9 significant digits with plain arithmetic (rounding `x·10ᵏ`), keeping the first
 * that rounds back to the same float32; 9 digits always do. Values beyond 10^±22 take the slower
 * `toPrecision` path.
 *
 * @param value a float32 value (any number is first rounded to float32).
 * @returns the shortest number `x` with `Math.fround(x) === Math.fround(value)`.
 * @example shortestFloat32(Math.fround(0.1)); // 0.1
 */
export function shortestFloat32(value: number): number {
  const target = Math.fround(value);
  if (target === 0) return 0; // also -0: text formats print it as 0 anyway
  if (!Number.isFinite(target)) return target;
  // Round |x| (half away from zero, as toPrecision does), then restore the sign.
  const magnitude = Math.abs(target);
  const sign = Math.sign(target);
  const exponent = Math.floor(Math.log10(magnitude));
  for (let digits = 1; digits <= 9; digits++) {
    const power = digits - 1 - exponent;
    let candidate: number;
    if (power >= 0 && power <= 22) {
      const scale = POWERS_OF_TEN[power]!;
      candidate = (sign * Math.round(magnitude * scale)) / scale;
    } else if (power < 0 && power >= -22) {
      const scale = POWERS_OF_TEN[-power]!;
      candidate = sign * Math.round(magnitude / scale) * scale;
    } else {
      break;
    }
    if (Math.fround(candidate) === target) return candidate;
  }
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(target.toPrecision(digits));
    if (Math.fround(candidate) === target) return candidate;
  }
  return Number(target.toPrecision(9));
}
