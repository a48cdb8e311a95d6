import { labelEfficiencyChart, lossCurveChart } from '@selfsup/charts';
import type { EncoderV1 } from '@selfsup/core';
import { compareLabelEfficiency, pretrainDemoEncoder } from '../finetune/label-efficiency-live';
import { fetchMnistSubset } from '../shared/mnist-subset';
import { element, mountPage } from '../shared/page-layout';
import { renderChart } from '../shared/render-chart';
import { yieldToBrowser } from '../shared/yield-to-browser';

const { main } = await mountPage('finetune');
const [train, test] = await Promise.all([fetchMnistSubset('train'), fetchMnistSubset('test')]);
const parameters = new URLSearchParams(location.search);
const defaultBudgets = (parameters.get('budgets') ?? '10,50,200')
  .split(',')
  .map(Number)
  .filter((budget) => [10, 50, 200].includes(budget));

main.append(
  element('h1', {}, ['Pretrain → finetune: how far do a few labels go?']),
  element('p', {}, [
    'Self-supervised pretraining is meant to pay off when labels are scarce. Here SimCLR first pretrains a small ConvNet on 1,024 digits without their labels; then, for each label budget and 3 seeds, a linear probe and a full finetune of the pretrained encoder, and the same ConvNet trained from scratch, learn from the same few labelled digits and are scored on 512 held-out digits (core’s labelEfficiency protocol, the chart the CLI draws).',
  ]),
  element('p', { className: 'note' }, [
    'Honest expectations: the few hundred pretraining steps a browser tab affords are far from the thousands of steps of a real run, so at this scale the scratch baseline can still win. The CLI’s full runs show the gap pretraining opens.',
  ]),
);

const pretrainSteps = element('input', {
  type: 'number',
  id: 'pretrain-steps',
  min: '10',
  max: '500',
  step: '10',
  value: parameters.get('steps') ?? '60',
});
const budgetBoxes = [10, 50, 200].map((budget) => {
  const box = element('input', {
    type: 'checkbox',
    id: `budget-${budget}`,
    value: String(budget),
    checked: defaultBudgets.includes(budget),
  });
  return element('label', { htmlFor: `budget-${budget}` }, [box, ` ${budget} labels`]);
});
const runButton = element('button', { type: 'button', id: 'run-button' }, ['Run']);
const status = element('output', { id: 'run-status' }, ['Not started.']);
status.setAttribute('aria-live', 'polite');
const pretrainFigure = element('div', { id: 'pretrain-chart' });
const efficiencyFigure = element('div', { id: 'label-efficiency-chart' });
const results = element('tbody', { id: 'label-efficiency-rows' });
const section = element('section', { ariaLabel: 'Label efficiency', id: 'study' }, [
  element('div', { className: 'controls' }, [
    element('label', { htmlFor: 'pretrain-steps' }, ['SimCLR pretraining steps']),
    pretrainSteps,
  ]),
  element('fieldset', { className: 'controls' }, [
    element('legend', {}, ['Label budgets']),
    ...budgetBoxes,
  ]),
  element('div', { className: 'controls' }, [runButton, status]),
  element('div', { className: 'charts' }, [
    element('figure', {}, [
      pretrainFigure,
      element('figcaption', {}, ['SimCLR pretraining loss (no labels).']),
    ]),
    element('figure', {}, [
      efficiencyFigure,
      element('figcaption', {}, ['Test accuracy against labels used, mean ± std over 3 seeds.']),
    ]),
  ]),
  element('table', {}, [
    element('caption', {}, ['Test accuracy per label budget (mean ± std over 3 seeds)']),
    element('thead', {}, [
      element('tr', {}, [
        element('th', { scope: 'col' }, ['Encoder']),
        element('th', { scope: 'col' }, ['Finetuning']),
        element('th', { scope: 'col' }, ['Labels']),
        element('th', { scope: 'col' }, ['Accuracy']),
      ]),
    ]),
    results,
  ]),
]);
section.dataset.state = 'idle';
main.append(section);

runButton.addEventListener('click', async () => {
  const steps = Math.round(Number(pretrainSteps.value));
  const budgets = budgetBoxes
    .map((label) => label.querySelector('input')!)
    .filter((box) => box.checked)
    .map((box) => Number(box.value));
  if (!(steps >= 2 && steps <= 500) || budgets.length === 0) {
    status.value = 'Choose 2 to 500 pretraining steps and at least one label budget.';
    return;
  }
  runButton.disabled = true;
  section.dataset.state = 'running';
  results.replaceChildren();
  let pretrained: EncoderV1 | undefined;
  try {
    const points: { step: number; loss: number }[] = [];
    const drawPretraining = () =>
      renderChart(
        pretrainFigure,
        lossCurveChart(points, { title: 'SimCLR pretraining', width: 300, height: 220 }),
        `SimCLR pretraining loss over ${points.length} steps`,
      );
    pretrained = await pretrainDemoEncoder(train, steps, async (event) => {
      await yieldToBrowser();
      points.push({ step: event.step + 1, loss: event.loss });
      status.value = `Pretraining step ${event.step + 1} of ${steps}: loss ${event.loss.toFixed(3)}`;
      if ((event.step + 1) % 10 === 0) await drawPretraining();
    });
    await drawPretraining();
    const { summary } = await compareLabelEfficiency({
      pretrained,
      train,
      test,
      budgets,
      onProgress: ({ completed, total }) => {
        status.value = `Finetuning run ${completed} of ${total}…`;
      },
    });
    const accuracy = summary.filter((row) => row.metric === 'accuracy');
    await renderChart(
      efficiencyFigure,
      labelEfficiencyChart(accuracy, {
        title: 'MNIST: pretrained vs scratch',
        width: 300,
        height: 220,
      }),
      'Test accuracy against number of labels, pretrained and scratch',
    );
    results.replaceChildren(
      ...accuracy.map((row) => {
        const line = element('tr', {}, [
          element('td', {}, [row.runner]),
          element('td', {}, [row.mode]),
          element('td', {}, [String(row.labelCount)]),
          element('td', {}, [`${(100 * row.mean).toFixed(1)}% ± ${(100 * row.std).toFixed(1)}`]),
        ]);
        line.dataset.runner = row.runner;
        line.dataset.mode = row.mode;
        line.dataset.labels = String(row.labelCount);
        line.dataset.accuracy = String(row.mean);
        return line;
      }),
    );
    status.value = 'Done.';
    section.dataset.state = 'done';
  } catch (error) {
    status.value = `Failed: ${error instanceof Error ? error.message : String(error)}`;
    section.dataset.state = 'error';
  } finally {
    pretrained?.dispose();
    runButton.disabled = false;
  }
});
document.body.dataset.ready = 'true';
