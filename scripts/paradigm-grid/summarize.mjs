#!/usr/bin/env node
// Prints the paradigm grid's results (scripts/paradigm-grid/results/paradigm-grid.json, or the
// file given) as Markdown: per dataset, mean ± std test accuracy of every line (runner, mode,
// compare group) at every budget, the best of each budget in bold; then the per-budget verdicts
// and the central claim. What the root README's table is pasted from.
//
//   node scripts/paradigm-grid/summarize.mjs [results.json]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const path =
  process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'results', 'paradigm-grid.json');
let report;
try {
  report = JSON.parse(readFileSync(path, 'utf8'));
} catch (error) {
  console.error(`Cannot read ${path}: ${error.message}. Run run-grid.mjs first.`);
  process.exit(2);
}
const percent = (value) => (100 * value).toFixed(1);
const lines = [];
if (report.smoke) lines.push('> Smoke run: a wiring check, not results.', '');
for (const dataset of report.datasets) {
  const rows = dataset.groups.flatMap((group) =>
    group.summary
      .filter((row) => row.metric === 'accuracy')
      .map((row) => ({ ...row, group: group.group })),
  );
  const budgets = [...new Set(rows.map((row) => row.labelCount))].sort((a, b) => a - b);
  const keys = [...new Set(rows.map((row) => `${row.runner} ${row.mode} (${row.group})`))];
  const best = budgets.map((budget) =>
    Math.max(...rows.filter((row) => row.labelCount === budget).map((row) => row.mean)),
  );
  lines.push(`**${dataset.name}** (test accuracy %, mean ± std over ${rows[0]?.n ?? 0} seeds)`, '');
  for (const group of dataset.groups.filter((entry) => entry.unfinished)) {
    lines.push(`Unfinished (not in the table): \`${group.command}\``, '');
  }
  lines.push(`| line | ${budgets.map((budget) => `${budget} labels`).join(' | ')} |`);
  lines.push(`|---|${budgets.map(() => '---:').join('|')}|`);
  for (const key of keys) {
    const cells = budgets.map((budget, index) => {
      const row = rows.find(
        (entry) =>
          `${entry.runner} ${entry.mode} (${entry.group})` === key && entry.labelCount === budget,
      );
      if (row === undefined) return '';
      const text = `${percent(row.mean)} ± ${percent(row.std)}`;
      return row.mean === best[index] ? `**${text}**` : text;
    });
    lines.push(`| ${key} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  for (const verdict of dataset.verdicts ?? []) {
    if (verdict.margin === null) continue;
    const side = (row) => `${row.runner} ${row.mode} ${percent(row.mean)}%`;
    lines.push(
      `- ${verdict.budget} labels: self-supervision ${verdict.selfSupervisionWins ? 'wins' : 'loses'} (${side(verdict.bestPretrained)} vs ${side(verdict.bestOther)}, ${verdict.margin >= 0 ? '+' : ''}${percent(verdict.margin)} points)`,
    );
  }
  const claim = dataset.centralClaim;
  if (claim.bestPretrained !== null && claim.scratch !== null) {
    lines.push(
      `- Central claim: with ${claim.fewLabels} labels the best pretrained encoder (${claim.bestPretrained.runner} ${claim.bestPretrained.mode}) keeps ${percent(claim.bestPretrained.ratio)}% of its ${claim.allLabels}-label accuracy; scratch of the same architecture keeps ${percent(claim.scratch.ratio)}%.`,
    );
  }
  lines.push('');
}
console.log(lines.join('\n'));
