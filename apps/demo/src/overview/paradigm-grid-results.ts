import { type ChartSpec, type LabelEfficiencyPoint, labelEfficiencyChart } from '@selfsup/charts';

/**
 * The measured results of the paradigm grid (`scripts/paradigm-grid/run-grid.mjs`, the JSON it
 * writes to `scripts/paradigm-grid/results/paradigm-grid.json`) shaped for the overview page:
 * chart points (test error against labels), table rows (accuracy per budget, best in bold) and
 * the central claim as one sentence per dataset. Pure: no DOM, no fetch.
 */

/** One summary cell of a `selfsup compare` run: a metric's mean ± std over seeds. */
export type GridSummaryRow = {
  /** 'scratch', 'pca', …, or the pretraining method of a checkpoint ('simclr', 'bert-mlm'). */
  readonly runner: string;
  /** 'linear-probe', 'full', 'cluster-then-label', … */
  readonly mode: string;
  /** The label budget asked for. */
  readonly budget: number;
  /** The labels actually used (the budget, or fewer when the pool is smaller). */
  readonly labelCount: number;
  /** 'accuracy', 'macroF1', …: only 'accuracy' rows are shown. */
  readonly metric: string;
  readonly mean: number;
  readonly std: number;
  /** Number of seeds. */
  readonly n: number;
};

/** One `selfsup compare` run of the grid: an architecture group. */
export type GridGroup = {
  /** 'conv-net', 'vit', 'transformer', 'word-vectors'. */
  readonly group: string;
  readonly command: string;
  /** Wall-clock minutes; absent when the script reused the group's results (`--resume`). */
  readonly minutes?: number;
  /** The group's compare had not finished when the report was assembled (`--finished-only`). */
  readonly unfinished?: boolean;
  readonly summary: readonly GridSummaryRow[];
};

/** One runner's ratio in the script's central claim. */
export type GridClaimRow = {
  readonly runner: string;
  readonly mode: string;
  /** The compare group (architecture). */
  readonly group: string;
  /** Accuracy at `fewLabels`. */
  readonly fewLabels: number;
  /** Accuracy at `allLabels`. */
  readonly allLabels: number;
  readonly ratio: number;
};

/** The script's central claim for one dataset. */
export type GridCentralClaim = {
  /** The "few labels" budget (500 in the real run; the smallest budget in a smoke run). */
  readonly fewLabels: number;
  /** The largest budget: every label of the pool. */
  readonly allLabels: number;
  /** What the ratio means and the published reference. */
  readonly note: string;
  readonly bestPretrained: GridClaimRow | null;
  readonly scratch: GridClaimRow | null;
};

/** The best runner of one side of a verdict. */
export type GridVerdictRunner = {
  readonly runner: string;
  readonly mode: string;
  readonly group: string;
  /** Mean test accuracy. */
  readonly mean: number;
  readonly std: number;
};

/** Per budget: the best pretrained runner against the best runner of every other paradigm. */
export type GridVerdict = {
  readonly budget: number;
  readonly bestPretrained: GridVerdictRunner | null;
  readonly bestOther: GridVerdictRunner | null;
  /** Null when one side has no result. */
  readonly selfSupervisionWins: boolean | null;
  /** Accuracy of the best pretrained minus the best other. */
  readonly margin: number | null;
};

/** One dataset of the grid. */
export type GridDataset = {
  /** 'mnist' or 'spam-assassin'. */
  readonly name: string;
  readonly groups: readonly GridGroup[];
  readonly centralClaim: GridCentralClaim;
  /** Per-budget verdicts. */
  readonly verdicts: readonly GridVerdict[];
  readonly minutes?: number;
};

/** The grid's JSON (the fields the page reads; the file has more, e.g. each pretraining run). */
export type ParadigmGridReport = {
  readonly script: string;
  /** True for a `--smoke` run: tiny budgets and steps, a wiring check, not results. */
  readonly smoke: boolean;
  /** When the run started (ISO 8601). */
  readonly date: string;
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly memoryGiB: number;
    readonly platform: string;
    readonly node: string;
  };
  /** Total minutes; absent while the run is still going, or when it reused earlier runs (`--resume`). */
  readonly minutes?: number;
  /** The tfjs backends the pretraining runs reported ('wasm'; 'js' for word2vec's plain loops). */
  readonly backends?: readonly string[];
  readonly datasets: readonly GridDataset[];
};

/** Test accuracy of one line at one budget. */
export type GridPoint = {
  readonly budget: number;
  /** Labels used, > 0 (safe for the log axis). */
  readonly labelCount: number;
  readonly accuracy: number;
  readonly std: number;
  readonly n: number;
};

/** One line of the chart and one row of the table: a (runner, mode) of one group. */
export type GridLine = {
  /** Unique within the dataset: the label. */
  readonly label: string;
  readonly runner: string;
  readonly mode: string;
  readonly group: string;
  /** Sorted by budget. */
  readonly points: readonly GridPoint[];
};

/** One cell of the results table. */
export type GridTableCell = {
  /** '58.0 ± 5.6' (percent, one decimal). */
  readonly text: string;
  readonly accuracy: number;
  /** Highest accuracy of its budget (at the shown precision; ties are all best). */
  readonly best: boolean;
};

/** The results table of one dataset. */
export type GridTable = {
  /** The column budgets, ascending. */
  readonly budgets: readonly number[];
  /** One row per line; `cells[i]` belongs to `budgets[i]`, null where the line has no result. */
  readonly rows: readonly { readonly line: GridLine; readonly cells: (GridTableCell | null)[] }[];
  /** Seeds per cell (the largest n). */
  readonly seeds: number;
};

/** The central claim of one dataset, ready to print. */
export type GridClaim = {
  readonly fewLabels: number;
  readonly allLabels: number;
  readonly bestPretrained: GridClaimRow | null;
  readonly scratch: GridClaimRow | null;
  /** "With 500 labels, the best pretrained encoder (…) keeps 81% of …; … scratch keeps 45%." */
  readonly sentence: string;
  /** The published reference (the script's note). */
  readonly note: string;
};

const datasetTitles: Readonly<Record<string, string>> = {
  mnist: 'MNIST (handwritten digits, 10 classes)',
  'spam-assassin': 'SpamAssassin (spam or ham e-mail)',
};

/**
 * The dataset's display title.
 *
 * @param name The grid's dataset name.
 * @returns 'MNIST (…)', 'SpamAssassin (…)', or the name itself for another dataset.
 */
export function datasetTitle(name: string): string {
  return datasetTitles[name] ?? name;
}

/** Labels used by a row, safe for a log axis: `labelCount`, else the budget, else null. */
function positiveLabelCount(row: GridSummaryRow): number | null {
  for (const value of [row.labelCount, row.budget])
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  return null;
}

/**
 * The dataset's lines: one per (runner, mode) of each group, from the `metric === 'accuracy'`
 * rows, in the order the groups and rows come. A (runner, mode) that several groups ran (scratch
 * full for both the conv-net and the ViT) gets the group in its label — 'scratch full (vit)' —
 * so every line is distinct. Rows whose label count is not positive are left out (log axis).
 *
 * @param dataset One dataset of the grid.
 * @returns Its lines, points sorted by budget.
 */
export function gridLines(dataset: GridDataset): GridLine[] {
  const groupsOf = new Map<string, Set<string>>();
  for (const group of dataset.groups) {
    for (const row of group.summary) {
      if (row.metric !== 'accuracy') continue;
      const key = `${row.runner} ${row.mode}`;
      const groups = groupsOf.get(key) ?? new Set<string>();
      groups.add(group.group);
      groupsOf.set(key, groups);
    }
  }
  const lines: {
    label: string;
    runner: string;
    mode: string;
    group: string;
    points: GridPoint[];
  }[] = [];
  for (const group of dataset.groups) {
    for (const row of group.summary) {
      if (row.metric !== 'accuracy') continue;
      const labelCount = positiveLabelCount(row);
      if (labelCount === null || !Number.isFinite(row.mean)) continue;
      const key = `${row.runner} ${row.mode}`;
      const label = (groupsOf.get(key)?.size ?? 0) > 1 ? `${key} (${group.group})` : key;
      let line = lines.find((item) => item.label === label);
      if (line === undefined) {
        line = { label, runner: row.runner, mode: row.mode, group: group.group, points: [] };
        lines.push(line);
      }
      if (line.points.some((point) => point.budget === row.budget)) continue;
      line.points.push({
        budget: row.budget,
        labelCount,
        accuracy: row.mean,
        std: Number.isFinite(row.std) ? row.std : 0,
        n: row.n,
      });
    }
  }
  for (const line of lines) line.points.sort((a, b) => a.budget - b.budget);
  return lines;
}

/**
 * The chart's rows: test error (1 − accuracy) against labels used, one series per line, in the
 * shape `labelEfficiencyChart` takes (metric 'error').
 *
 * @param lines From {@link gridLines}.
 * @returns One point per line and budget.
 */
export function errorPoints(lines: readonly GridLine[]): LabelEfficiencyPoint[] {
  return lines.flatMap((line) =>
    line.points.map((point) => ({
      runner: line.label,
      labelCount: point.labelCount,
      mean: 1 - point.accuracy,
      std: point.std,
      metric: 'error',
      n: point.n,
    })),
  );
}

/**
 * The Vega-Lite spec of the error chart: `@selfsup/charts`' label-efficiency chart (log x axis,
 * mean ± std error bars) drawn for test error, with a 20-colour palette (a dataset has up to 15
 * lines).
 *
 * @param lines From {@link gridLines}.
 * @param title The chart title.
 * @returns The spec, data inline.
 */
export function errorChartSpec(lines: readonly GridLine[], title: string): ChartSpec {
  const spec = labelEfficiencyChart(errorPoints(lines), {
    metric: 'error',
    metricTitle: 'Test error',
    title,
    width: 520,
    height: 320,
  });
  return { ...spec, config: { range: { category: { scheme: 'tableau20' } } } } as ChartSpec;
}

/** Accuracy as a percent with one decimal: 0.5812 → '58.1'. */
export function percent(value: number): string {
  return (100 * value).toFixed(1);
}

/**
 * The results table: for each line the mean ± std test accuracy at each budget, in percent with
 * one decimal; the highest of each budget (as shown, so ties are all marked) is `best`.
 *
 * @param lines From {@link gridLines}.
 * @returns The columns' budgets and one row per line.
 */
export function resultsTable(lines: readonly GridLine[]): GridTable {
  const budgets = [...new Set(lines.flatMap((line) => line.points.map((point) => point.budget)))];
  budgets.sort((a, b) => a - b);
  const best = budgets.map((budget) => {
    const shown = lines.flatMap((line) =>
      line.points
        .filter((point) => point.budget === budget)
        .map((point) => percent(point.accuracy)),
    );
    return Math.max(...shown.map(Number));
  });
  const rows = lines.map((line) => ({
    line,
    cells: budgets.map((budget, column) => {
      const point = line.points.find((item) => item.budget === budget);
      if (point === undefined) return null;
      return {
        text: `${percent(point.accuracy)} ± ${percent(point.std)}`,
        accuracy: point.accuracy,
        best: Number(percent(point.accuracy)) === best[column],
      };
    }),
  }));
  const seeds = Math.max(0, ...lines.flatMap((line) => line.points.map((point) => point.n)));
  return { budgets, rows, seeds };
}

/**
 * The central claim of a dataset, from the script's `centralClaim`: the best pretrained encoder
 * (the highest accuracy at `fewLabels`) and scratch of the same architecture (its compare group),
 * each with its accuracy at `fewLabels` over its accuracy at `allLabels`.
 *
 * @param dataset One dataset of the grid.
 * @returns The two ratios and the sentence.
 */
export function centralClaim(dataset: GridDataset): GridClaim {
  const { fewLabels, allLabels, note } = dataset.centralClaim;
  const { bestPretrained, scratch } = dataset.centralClaim;
  const count = (value: number) => value.toLocaleString('en-US');
  const ratio = (side: GridClaimRow) => `${Math.round(100 * side.ratio)}%`;
  const first =
    bestPretrained === null
      ? `With ${count(fewLabels)} labels, no pretrained encoder has results at both ${count(fewLabels)} and ${count(allLabels)} labels`
      : `With ${count(fewLabels)} labels, the best pretrained encoder (${bestPretrained.runner} ${bestPretrained.mode}) keeps ${ratio(bestPretrained)} of its ${count(allLabels)}-label accuracy`;
  const second =
    scratch === null
      ? 'no scratch baseline of the same architecture ran.'
      : `the same architecture from scratch keeps ${ratio(scratch)}.`;
  return { fewLabels, allLabels, bestPretrained, scratch, sentence: `${first}; ${second}`, note };
}

/**
 * The script's per-budget verdicts as sentences: does the best pretrained runner beat the best
 * runner of every other paradigm (scratch, supervised, unsupervised, semi-supervised)? Runners
 * are named as in the table (with the group where two groups ran the same line).
 *
 * @param dataset One dataset of the grid.
 * @returns One sentence per budget with both sides, e.g. '500 labels: self-supervision wins,
 *   simclr full 91.2% vs supervised full 88.0%.' (skipping budgets where one side has no result).
 */
export function verdictSentences(dataset: GridDataset): string[] {
  const lines = gridLines(dataset);
  const name = (side: GridVerdictRunner) =>
    lines.find(
      (line) => line.runner === side.runner && line.mode === side.mode && line.group === side.group,
    )?.label ?? `${side.runner} ${side.mode}`;
  return dataset.verdicts.flatMap((verdict) => {
    const { bestPretrained, bestOther, selfSupervisionWins } = verdict;
    if (bestPretrained === null || bestOther === null || selfSupervisionWins === null) return [];
    const outcome = selfSupervisionWins ? 'self-supervision wins' : 'self-supervision loses';
    return [
      `${verdict.budget.toLocaleString('en-US')} labels: ${outcome}, ${name(bestPretrained)} ${percent(bestPretrained.mean)}% vs ${name(bestOther)} ${percent(bestOther.mean)}%.`,
    ];
  });
}

/**
 * The caption under the results: when and where they were measured.
 *
 * @param report The grid's JSON.
 * @returns E.g. 'Measured 2026-12-01 on AMD EPYC (2 cores, 24 GiB), linux x64, Node v20.20.2; tfjs backend wasm, CPU; 9.5 h in all.'
 */
export function gridCaption(report: ParadigmGridReport): string {
  const { cpu, cores, memoryGiB, platform, node } = report.machine;
  const minutes = report.minutes;
  const duration =
    minutes === undefined || !Number.isFinite(minutes)
      ? ''
      : minutes >= 90
        ? `; ${(minutes / 60).toFixed(1)} h in all`
        : minutes < 1
          ? '; under a minute in all'
          : `; ${Math.round(minutes)} min in all`;
  const recorded = report.backends ?? [];
  const backends = recorded.some((backend) => backend !== 'wasm')
    ? ` (pretraining backends: ${recorded.join(', ')})`
    : '';
  return `Measured ${report.date.slice(0, 10)} on ${cpu} (${cores} cores, ${memoryGiB} GiB), ${platform}, Node ${node}; tfjs backend wasm, CPU${backends}${duration}.`;
}

/**
 * The warning a smoke run needs, or null for a real run.
 *
 * @param report The grid's JSON.
 * @returns The warning text when `report.smoke` is true.
 */
export function smokeWarning(report: ParadigmGridReport): string | null {
  if (!report.smoke) return null;
  const budgets = report.datasets.flatMap((dataset) =>
    gridLines(dataset).flatMap((line) => line.points.map((point) => point.budget)),
  );
  const unique = [...new Set(budgets)].sort((a, b) => a - b).map(String);
  const list =
    unique.length <= 1 ? unique.join('') : `${unique.slice(0, -1).join(', ')} and ${unique.at(-1)}`;
  return `Smoke run: these numbers come from the grid's wiring check (label budgets ${list}, a few pretraining steps). They test that everything runs, not what self-supervision is worth; the full run replaces them.`;
}

/**
 * The compare groups of a dataset that had not finished when the report was assembled
 * (`run-grid.mjs --resume --finished-only`): their lines are missing from the chart and table.
 *
 * @param dataset One dataset of the grid.
 * @returns The group names, e.g. ['conv-net-baselines'].
 */
export function unfinishedGroups(dataset: GridDataset): string[] {
  return dataset.groups.filter((group) => group.unfinished === true).map((group) => group.group);
}
