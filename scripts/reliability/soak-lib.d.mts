/** Types of `soak-lib.mjs` (the memory soak) for the TypeScript tests. */
export type MemorySample = { readonly t: number; readonly tensors: number; readonly rss: number };
export type SoakWindow = {
  readonly fromMs: number;
  readonly toMs: number;
  readonly minTensors: number;
  readonly maxTensors: number;
  readonly medianRssMegabytes: number;
};
export type SoakAnalysis = {
  readonly samples: number;
  readonly windows: readonly SoakWindow[];
  readonly tensorCountConstant: boolean;
  readonly tensorGrowth: number;
  readonly rssGrowthMegabytes: number;
};
export function analyseSamples(
  samples: readonly MemorySample[],
  options?: { readonly warmupFraction?: number; readonly windows?: number },
): SoakAnalysis;
export function soakMethod(options: {
  readonly cli: string;
  readonly workDirectory: string;
  readonly method: string;
  readonly steps: number;
  readonly flags?: readonly string[];
  readonly probeMs?: number;
  readonly rssLimitMegabytes?: number;
}): Promise<
  SoakAnalysis & {
    readonly method: string;
    readonly steps: number;
    readonly seconds: number;
    readonly rssLimitMegabytes: number;
    readonly passed: boolean;
  }
>;
