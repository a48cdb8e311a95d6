import { compile } from 'vega-lite';
import type { ChartSpec } from './chart-spec';

type Logger = NonNullable<NonNullable<Parameters<typeof compile>[1]>['logger']>;
type VegaSpec = ReturnType<typeof compile>['spec'];

/** What {@link compileChart} returns. */
export type CompiledChart = {
  /** The Vega specification. */
  readonly vega: VegaSpec;
  /** Vega-Lite's warnings (an empty list for every selfsup chart). */
  readonly warnings: readonly string[];
};

/**
 * Compiles a Vega-Lite chart to a Vega specification, collecting Vega-Lite's warnings instead of
 * printing them. The input spec is copied first, so rendering never modifies it.
 *
 * @param spec a Vega-Lite spec (e.g. from `lossCurveChart`).
 * @returns the Vega spec and the warnings.
 * @example const { vega, warnings } = compileChart(lossCurveChart(points));
 */
export function compileChart(spec: ChartSpec): CompiledChart {
  const warnings: string[] = [];
  let level = 2; // vega-util's Warn
  const logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...messages: unknown[]) {
      throw new Error(`Vega-Lite could not compile the chart: ${messages.map(String).join(' ')}`);
    },
    warn(...messages: unknown[]) {
      warnings.push(messages.map(String).join(' '));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  } as unknown as Logger;
  // A copy: Vega tags inline data rows (Symbol(vega_id)) and must not touch the caller's spec.
  const { spec: vega } = compile(structuredClone(spec), { logger });
  return { vega, warnings };
}
