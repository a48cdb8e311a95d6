import type { DownstreamResult } from './run-downstream';

/**
 * One line of a downstream result: mode, labels, accuracy and macro-F1.
 *
 * @param result a finetune or evaluate result.
 * @returns the line.
 * @example summaryLine(result); // 'linear-probe on 100 labels of mnist: accuracy 91.2%, macro-F1 0.910 (500 test examples)'
 */
export function summaryLine(result: DownstreamResult): string {
  const report = result.report;
  if (report.task !== 'classification') return `${result.mode}: ${JSON.stringify(report)}`;
  return (
    `${result.mode} on ${result.labelCount} labels of ${result.data}: accuracy ${(100 * report.accuracy).toFixed(1)}%, ` +
    `macro-F1 ${report.macroF1.toFixed(3)} (${result.testCount} test examples)`
  );
}

/**
 * The human report of `selfsup evaluate`: the summary line and per-class precision, recall and F1.
 *
 * @param result the evaluation.
 * @returns the text.
 * @example formatEvaluation(result).split('\n')[1]; // 'class            precision  recall  F1     support'
 */
export function formatEvaluation(result: DownstreamResult): string {
  const report = result.report;
  const lines = [`${result.method} checkpoint, step ${result.step}: ${summaryLine(result)}`];
  if (report.task === 'classification') {
    lines.push('class            precision  recall  F1     support');
    report.perClass.forEach((metrics, index) => {
      const name = (result.classNames[index] ?? String(index)).padEnd(16);
      lines.push(
        `${name} ${metrics.precision.toFixed(3).padStart(9)}  ${metrics.recall.toFixed(3).padStart(6)}  ${metrics.f1.toFixed(3)}  ${String(metrics.support).padStart(7)}`,
      );
    });
  }
  return lines.join('\n');
}
