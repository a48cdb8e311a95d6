import { paradigmGridReport } from '../overview/paradigm-grid-report';
import {
  centralClaim,
  datasetTitle,
  errorChartSpec,
  type GridDataset,
  gridCaption,
  gridLines,
  type ParadigmGridReport,
  resultsTable,
  smokeWarning,
  unfinishedGroups,
  verdictSentences,
} from '../overview/paradigm-grid-results';
import { type Paradigm, paradigms } from '../overview/paradigms';
import { milestones } from '../overview/timeline';
import { element, mountPage } from '../shared/page-layout';
import { renderChart } from '../shared/render-chart';

function keepBackend(href: string): string {
  return `${href}${location.search}`;
}

function quadrant(): HTMLElement {
  const detail = element('div', { className: 'quadrant-detail', id: 'paradigm-detail' });
  detail.setAttribute('aria-live', 'polite');
  const buttons: HTMLButtonElement[] = [];
  const show = (paradigm: Paradigm) => {
    for (const button of buttons)
      button.setAttribute('aria-pressed', String(button.dataset.paradigm === paradigm.id));
    detail.replaceChildren(
      element('h3', {}, [paradigm.name]),
      element('p', {}, [paradigm.summary]),
      element('p', {}, [element('strong', {}, ['Examples: ']), paradigm.examples]),
      element('p', {}, [
        element('a', { href: keepBackend(paradigm.demo.href) }, [`${paradigm.demo.title} →`]),
      ]),
    );
  };
  const cell = (column: 0 | 1, row: 0 | 1) => {
    const paradigm = paradigms.find((item) => item.column === column && item.row === row)!;
    const button = element('button', { type: 'button' }, [paradigm.name]);
    button.dataset.paradigm = paradigm.id;
    button.setAttribute('aria-pressed', 'false');
    button.setAttribute('aria-controls', 'paradigm-detail');
    button.addEventListener('click', () => show(paradigm));
    buttons.push(button);
    return button;
  };
  const grid = element('div', { className: 'quadrant' }, [
    element('span', {}, []),
    element('span', { className: 'axis' }, ['No human labels']),
    element('span', { className: 'axis' }, ['Human labels']),
    element('span', { className: 'axis' }, ['Predicts a target']),
    cell(0, 0),
    cell(1, 0),
    element('span', { className: 'axis' }, ['Learns the data’s structure']),
    cell(0, 1),
    cell(1, 1),
  ]);
  grid.setAttribute('role', 'group');
  grid.setAttribute('aria-label', 'The four learning paradigms');
  show(paradigms[0]!);
  return element('section', { ariaLabel: 'Paradigms' }, [
    element('h2', {}, ['Four ways to learn']),
    element('p', {}, ['Choose a paradigm to read what it is and open its live demo.']),
    grid,
    detail,
  ]);
}

function timeline(): HTMLElement {
  return element('section', { ariaLabel: 'Timeline' }, [
    element('h2', {}, ['From word vectors to GPT-3']),
    element(
      'ol',
      { className: 'timeline' },
      milestones.map((milestone) =>
        element('li', {}, [
          element('time', { dateTime: milestone.year }, [milestone.year]),
          element('strong', {}, [milestone.name]),
          ': ',
          milestone.idea,
          ' ',
          element('a', { href: keepBackend(milestone.demo.href) }, [
            `Live demo: ${milestone.demo.title}`,
          ]),
          element('br'),
          element('span', { className: 'note' }, [milestone.paper]),
        ]),
      ),
    ),
  ]);
}

/** One dataset's results: the error chart (drawn later by `draw`), the claim and the table. */
function gridDataset(dataset: GridDataset): { root: HTMLElement; draw: () => Promise<void> } {
  const title = datasetTitle(dataset.name);
  const lines = gridLines(dataset);
  const table = resultsTable(lines);
  const claim = centralClaim(dataset);
  const verdicts = verdictSentences(dataset);
  const unfinished = unfinishedGroups(dataset);
  const figure = element('div', { className: 'grid-chart' });
  const seeds = `${table.seeds} seed${table.seeds === 1 ? '' : 's'}`;
  const rows = table.rows.map(({ line, cells }) => {
    const row = element('tr', {}, [
      element('th', { scope: 'row' }, [line.label]),
      ...cells.map((cell) =>
        element('td', {}, [
          cell === null ? '—' : cell.best ? element('strong', {}, [cell.text]) : cell.text,
        ]),
      ),
    ]);
    row.dataset.line = line.label;
    return row;
  });
  const root = element('section', { ariaLabel: title, className: 'grid-dataset' }, [
    element('h3', {}, [title]),
    element('p', { className: 'claim' }, [claim.sentence]),
    ...(unfinished.length === 0
      ? []
      : [
          element('p', { className: 'warning' }, [
            `Not finished in this run (missing below): ${unfinished.join(', ')}.`,
          ]),
        ]),
    element('p', { className: 'note' }, [`Published reference: ${claim.note}`]),
    ...(verdicts.length === 0
      ? []
      : [
          element('p', {}, [
            'Per label budget, the best pretrained encoder against the best of every other paradigm:',
          ]),
          element(
            'ul',
            { className: 'verdicts' },
            verdicts.map((sentence) => element('li', {}, [sentence])),
          ),
        ]),
    element('figure', {}, [
      figure,
      element('figcaption', {}, [
        `Test error (1 − accuracy) against labels used (log scale), mean ± std over ${seeds}; one line per encoder and training mode.`,
      ]),
    ]),
    element('table', { className: 'grid-table' }, [
      element('caption', {}, [
        `${title}: test accuracy in percent, mean ± std over ${seeds}; the best of each label budget in bold.`,
      ]),
      element('thead', {}, [
        element('tr', {}, [
          element('th', { scope: 'col' }, ['Encoder, training']),
          ...table.budgets.map((budget) =>
            element('th', { scope: 'col' }, [`${budget.toLocaleString('en-US')} labels`]),
          ),
        ]),
      ]),
      element('tbody', {}, rows),
    ]),
  ]);
  root.dataset.dataset = dataset.name;
  root.dataset.lines = String(lines.length);
  const draw = () =>
    renderChart(
      figure,
      errorChartSpec(lines, `${title}: test error vs labels`),
      `${title}: test error against number of labels, one line per encoder and training mode`,
    );
  return { root, draw };
}

/**
 * "Does self-supervision earn its place?": the paradigm grid's measured results (the JSON of
 * `scripts/paradigm-grid/run-grid.mjs`, inlined at build time).
 */
function gridResults(report: ParadigmGridReport): {
  root: HTMLElement;
  draw: () => Promise<void>;
} {
  const datasets = report.datasets.map(gridDataset);
  const warning = smokeWarning(report);
  const root = element(
    'section',
    { ariaLabel: 'Does self-supervision earn its place?', id: 'grid' },
    [
      element('h2', {}, ['Does self-supervision earn its place?']),
      element('p', {}, [
        'The selfsup CLI ran the four paradigms side by side: self-supervised encoders (linear probe and full finetuning), the same architecture from scratch, and the supervised, unsupervised and semi-supervised baselines, all with the same label budgets, seeds and test split. Low error with few labels is what pretraining is for.',
      ]),
      ...(warning === null
        ? []
        : [element('p', { className: 'warning', id: 'grid-smoke' }, [warning])]),
      element('p', { className: 'note' }, [gridCaption(report)]),
      ...datasets.map((dataset) => dataset.root),
    ],
  );
  root.dataset.smoke = String(report.smoke);
  const draw = async () => {
    for (const dataset of datasets) await dataset.draw();
  };
  return { root, draw };
}

const { main } = await mountPage('overview');
const grid = gridResults(paradigmGridReport);
main.append(
  element('h1', {}, ['Self-supervised learning, live in your browser']),
  element('p', {}, [
    'Self-supervised methods learn from unlabeled data by predicting parts of it, then need only a few labels for a task. Each page trains or runs a model from the selfsup packages right here.',
  ]),
  quadrant(),
  timeline(),
  grid.root,
);
await grid.draw();
document.body.dataset.ready = 'true';
