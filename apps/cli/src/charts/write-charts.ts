import { join } from 'node:path';

type ChartsModule = Record<string, ((...parameters: never[]) => unknown) | undefined>;

async function importOptional(specifier: string): Promise<ChartsModule | undefined> {
  try {
    return (await import(/* @vite-ignore */ specifier)) as ChartsModule;
  } catch {
    return undefined;
  }
}

/**
 * Writes one chart as SVG and PNG with `@selfsup/charts`: `specName` builds the Vega-Lite spec
 * from `data` (the same spec the demo renders), `@selfsup/charts/node`'s `writeChart` renders it.
 * When the charts package is not built, nothing is written and the reason is returned.
 *
 * @param directory where `<name>.svg` and `<name>.png` go.
 * @param name the file name without extension.
 * @param specName the spec builder of `@selfsup/charts` (e.g. `'lossCurveChart'`).
 * @param data what the builder takes.
 * @param options the builder's options (title, axis titles…).
 * @returns the written paths, or `{ skipped }` saying why none were.
 * @example await writeChartFiles('runs/a', 'loss', 'lossCurveChart', points);
 */
export async function writeChartFiles(
  directory: string,
  name: string,
  specName: string,
  data: unknown,
  options: Readonly<Record<string, unknown>> = {},
): Promise<{ readonly files: string[] } | { readonly skipped: string }> {
  const specs = await importOptional('@selfsup/charts');
  const node = await importOptional('@selfsup/charts/node');
  const build = specs?.[specName] as ((data: unknown, options: unknown) => unknown) | undefined;
  const write = node?.writeChart as ((path: string, spec: unknown) => Promise<unknown>) | undefined;
  if (build === undefined || write === undefined) {
    return {
      skipped: `@selfsup/charts has no ${specName}/writeChart yet (build packages/charts): no ${name}.svg/.png written`,
    };
  }
  const spec = build(data, options);
  const files = [join(directory, `${name}.svg`), join(directory, `${name}.png`)];
  for (const file of files) await write(file, spec);
  return { files };
}
