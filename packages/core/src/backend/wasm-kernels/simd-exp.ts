import { get, set, simd } from './heap-module';

/**
 * WebAssembly SIMD (simd128) code fragments for elementwise math in the heap modules: vector
 * constants and a vectorised `exp` (Cephes' `expf`: range reduction `eᶻ = 2ⁿ · eʳ` with
 * `n = round(z / ln 2)`, `|r| ≤ ln 2 / 2`, and a degree-6 polynomial; relative error ~1e-7 on
 * `[-87.3, 88.3]`, the input is clamped to that range).
 */

/** `f32x4` opcodes of the SIMD proposal (binary format). */
export const f32x4 = {
  add: simd(0xe4),
  subtract: simd(0xe5),
  multiply: simd(0xe6),
  divide: simd(0xe7),
  /** `pmin(a, b) = b < a ? b : a` (one x86 instruction; `min`'s NaN rules cost several). */
  pseudoMinimum: simd(0xea),
  /** `pmax(a, b) = a < b ? b : a`. */
  pseudoMaximum: simd(0xeb),
  nearest: simd(0x6a),
} as const;

const i32x4Add = simd(0xae);
const i32x4ShiftLeft = simd(0xab);
const i32x4TruncateSaturated = simd(0xf8);

/** `v128.const` of four equal float32 lanes. */
export function vectorConstant(value: number): number[] {
  const bytes = new Uint8Array(new Float32Array([value, value, value, value]).buffer);
  return [...simd(0x0c), ...bytes];
}

/** `v128.const` of four equal int32 lanes. */
function integerVectorConstant(value: number): number[] {
  const bytes = new Uint8Array(new Int32Array([value, value, value, value]).buffer);
  return [...simd(0x0c), ...bytes];
}

/** Cephes `expf` polynomial coefficients, highest degree first. */
const expCoefficients = [
  1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1,
  5.0000001201e-1,
];

/** v128 locals {@link simdExp} may overwrite. */
export type ExpLocals = { readonly z: number; readonly n: number; readonly r: number };

/**
 * Code that computes `exp` of each lane of the vector `z` leaves on the stack, and leaves the
 * result on the stack.
 *
 * @param z - Code pushing the argument vector.
 * @param locals - Three v128 locals used as scratch.
 * @returns The code.
 */
export function simdExp(z: number[], locals: ExpLocals): number[] {
  const code: number[] = [
    ...z,
    ...vectorConstant(-87.3),
    ...f32x4.pseudoMaximum,
    ...vectorConstant(88.3),
    ...f32x4.pseudoMinimum,
    ...set(locals.z),
    // n = round(z · log₂e)
    ...get(locals.z),
    ...vectorConstant(Math.LOG2E),
    ...f32x4.multiply,
    ...f32x4.nearest,
    ...set(locals.n),
    // r = z − n · 0.693359375 − n · (−2.12194440e-4)   (ln 2 split in two for exactness)
    ...get(locals.z),
    ...get(locals.n),
    ...vectorConstant(0.693359375),
    ...f32x4.multiply,
    ...f32x4.subtract,
    ...get(locals.n),
    ...vectorConstant(-2.1219444e-4),
    ...f32x4.multiply,
    ...f32x4.subtract,
    ...set(locals.r),
    // p(r) by Horner
    ...vectorConstant(expCoefficients[0]!),
  ];
  for (const coefficient of expCoefficients.slice(1)) {
    code.push(...get(locals.r), ...f32x4.multiply, ...vectorConstant(coefficient), ...f32x4.add);
  }
  code.push(
    // eʳ ≈ p · r² + r + 1
    ...get(locals.r),
    ...f32x4.multiply,
    ...get(locals.r),
    ...f32x4.multiply,
    ...get(locals.r),
    ...f32x4.add,
    ...vectorConstant(1),
    ...f32x4.add,
    // 2ⁿ: (n + 127) << 23 as float bits
    ...get(locals.n),
    ...i32x4TruncateSaturated,
    ...integerVectorConstant(127),
    ...i32x4Add,
    0x41,
    23, // i32.const 23
    ...i32x4ShiftLeft,
    ...f32x4.multiply,
  );
  return code;
}
