import { lossCurveChart } from '@selfsup/charts';
import { imagesToTensor } from '@selfsup/data/browser';
import { fillMask } from '@selfsup/masked-prediction';
import * as tf from '@tensorflow/tfjs';
import { fetchBert } from '../masked-prediction/bert-fill-mask';
import { createDemoMae, maeExamples, trainMaeLive } from '../masked-prediction/mae-live';
import { drawImages } from '../shared/draw-images';
import { demoModelUrl, fetchModelAbout } from '../shared/fetch-checkpoint';
import { fetchMnistSubset } from '../shared/mnist-subset';
import { element, mountPage } from '../shared/page-layout';
import { renderChart } from '../shared/render-chart';
import { yieldToBrowser } from '../shared/yield-to-browser';

const { main } = await mountPage('masked-prediction');
const [train, test] = await Promise.all([fetchMnistSubset('train'), fetchMnistSubset('test')]);
const shown = imagesToTensor(
  test,
  Array.from({ length: 6 }, (_, i) => i),
);
const mae = createDemoMae(0);

main.append(
  element('h1', {}, ['Masked prediction: fill in what is hidden']),
  element('p', {}, [
    'Hide part of the input and train the model to fill it back in: masked patches of an image (MAE, He et al. 2022) or masked words of a sentence (BERT, Devlin et al. 2018). To do it well the model has to learn what digits and sentences look like.',
  ]),
);

const ratioInput = element('input', {
  type: 'range',
  id: 'mask-ratio',
  min: '0.25',
  max: '0.9',
  step: '0.05',
  value: '0.75',
});
const ratioValue = element('output', { id: 'mask-ratio-value' }, ['75%']);
ratioValue.setAttribute('for', 'mask-ratio');
const grid = element('div', { className: 'view-grid', id: 'reconstructions' });
const trainedNote = element('p', { className: 'note', id: 'mae-note' }, [
  'The MAE is untrained: its guesses for the hidden patches are noise. Train it below and watch them turn into strokes.',
]);
let trainedSteps = 0;

async function showReconstructions(): Promise<void> {
  const ratio = Number(ratioInput.value);
  ratioValue.value = `${Math.round(ratio * 100)}%`;
  const { masked, composite, hiddenPatches } = maeExamples(mae, shown, ratio, 7);
  try {
    const rows: [string, tf.Tensor4D][] = [
      ['Original', shown],
      ['Masked input', masked],
      ['MAE fills in', composite],
    ];
    const children: Node[] = [];
    for (const [name, images] of rows) {
      children.push(element('span', {}, [name]));
      children.push(...(await drawImages(images, (i) => `${name}, digit ${i + 1}`)));
    }
    grid.replaceChildren(...children);
    grid.dataset.hiddenPatches = String(hiddenPatches);
    grid.dataset.trainedSteps = String(trainedSteps);
  } finally {
    tf.dispose([masked, composite]);
  }
}
ratioInput.addEventListener('input', () => {
  void showReconstructions();
});

main.append(
  element('section', { ariaLabel: 'MAE reconstructions' }, [
    element('h2', {}, ['MAE reconstructions of held-out digits']),
    element('div', { className: 'controls' }, [
      element('label', { htmlFor: 'mask-ratio' }, ['Hidden patches']),
      ratioInput,
      ratioValue,
      element('span', { className: 'note' }, ['of the 16 patches (7×7 pixels each)']),
    ]),
    grid,
    trainedNote,
  ]),
);
await showReconstructions();

// Live training.
const requestedSteps = Number(new URLSearchParams(location.search).get('steps') ?? 80);
const stepsInput = element('input', {
  type: 'number',
  id: 'steps-input',
  min: '10',
  max: '500',
  step: '10',
  value: String(Number.isInteger(requestedSteps) && requestedSteps > 0 ? requestedSteps : 80),
});
const trainButton = element('button', { type: 'button', id: 'train-button' }, ['Train']);
const stopButton = element('button', { type: 'button', id: 'stop-button', disabled: true }, [
  'Stop',
]);
const status = element('output', { id: 'train-status' }, ['Not started.']);
status.setAttribute('aria-live', 'polite');
const lossFigure = element('div', { id: 'loss-chart' });
const lossLog = element('ol', { id: 'loss-log' });
const section = element('section', { ariaLabel: 'Live training', id: 'training' }, [
  element('h2', {}, ['Train it live']),
  element('p', {}, [
    `${train.count} unlabeled training digits, batches of 32, 75% of the patches hidden. The loss is the mean squared error on the hidden patches (normalised pixels).`,
  ]),
  element('div', { className: 'controls' }, [
    element('label', { htmlFor: 'steps-input' }, ['Steps']),
    stepsInput,
    trainButton,
    stopButton,
    status,
  ]),
  element('figure', {}, [
    lossFigure,
    element('figcaption', {}, ['Reconstruction loss per step (lower is better).']),
  ]),
  element('details', {}, [element('summary', {}, ['Loss values']), lossLog]),
]);
section.dataset.state = 'idle';
main.append(section);

let controller: AbortController | undefined;
stopButton.addEventListener('click', () => controller?.abort());
trainButton.addEventListener('click', async () => {
  const steps = Math.round(Number(stepsInput.value));
  if (!(steps >= 2 && steps <= 500)) {
    status.value = 'Choose between 2 and 500 steps.';
    return;
  }
  controller = new AbortController();
  trainButton.disabled = true;
  stopButton.disabled = false;
  section.dataset.state = 'training';
  const points: { step: number; loss: number }[] = [];
  const drawLoss = () =>
    renderChart(
      lossFigure,
      lossCurveChart(points, { title: 'MAE loss', width: 320, height: 240 }),
      `MAE loss over ${points.length} steps`,
    );
  let lastDraw = 0;
  try {
    const result = await trainMaeLive(mae, {
      train,
      steps,
      seed: trainedSteps,
      signal: controller.signal,
      onStep: async (event) => {
        await yieldToBrowser();
        trainedSteps++;
        points.push({ step: trainedSteps, loss: event.loss });
        lossLog.append(element('li', {}, [event.loss.toFixed(4)]));
        status.value = `Step ${event.step + 1} of ${steps}: loss ${event.loss.toFixed(3)}`;
        if (performance.now() - lastDraw > 500) {
          lastDraw = performance.now();
          await drawLoss();
          await showReconstructions();
        }
      },
    });
    await drawLoss();
    await showReconstructions();
    trainedNote.textContent = `The MAE has trained for ${trainedSteps} steps on unlabeled digits.`;
    status.value = result.aborted
      ? `Stopped after ${result.losses.length} steps.`
      : `Done: ${result.losses.length} steps, loss ${result.losses[0]?.toFixed(3)} → ${result.losses.at(-1)?.toFixed(3)}.`;
    section.dataset.state = 'done';
  } catch (error) {
    status.value = `Training failed: ${error instanceof Error ? error.message : String(error)}`;
    section.dataset.state = 'error';
  } finally {
    trainButton.disabled = false;
    stopButton.disabled = true;
  }
});

// BERT fill-mask, from a checkpoint trained by the CLI.
const bertUrl = demoModelUrl('bert-sotu');
const [bert, bertAbout] = await Promise.all([fetchBert(bertUrl), fetchModelAbout(bertUrl)]);
const sentenceInput = element('input', {
  type: 'text',
  id: 'mask-sentence',
  value: 'the [MASK] of the united states',
  size: 48,
});
const fillButton = element('button', { type: 'button', id: 'fill-mask-button' }, ['Fill in']);
const fillResults = element('div', { id: 'fill-mask-results' });
fillResults.setAttribute('aria-live', 'polite');
function showFillMask(): void {
  try {
    const masks = fillMask(bert, bert.tokenizer, sentenceInput.value, { topK: 5 });
    if (masks.length === 0) {
      fillResults.replaceChildren(
        element('p', { className: 'error' }, ['Write [MASK] where a word should be guessed.']),
      );
      delete fillResults.dataset.candidates;
      return;
    }
    fillResults.dataset.candidates = JSON.stringify(masks);
    fillResults.dataset.text = sentenceInput.value;
    fillResults.replaceChildren(
      ...masks.map((candidates, index) =>
        element('figure', {}, [
          element('figcaption', {}, [`[MASK] ${index + 1}`]),
          element(
            'ol',
            { className: 'candidates' },
            candidates.map((candidate) =>
              element('li', {}, [
                element('span', { className: 'token' }, [candidate.token]),
                ` ${(100 * candidate.probability).toFixed(1)}%`,
              ]),
            ),
          ),
        ]),
      ),
    );
  } catch (error) {
    fillResults.replaceChildren(
      element('p', { className: 'error' }, [
        error instanceof Error ? error.message : String(error),
      ]),
    );
  }
}
fillButton.addEventListener('click', showFillMask);
sentenceInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') showFillMask();
});
const settings = bertAbout.settings as { encoderOptions?: Record<string, number> };
main.append(
  element('section', { ariaLabel: 'BERT fill-mask', id: 'bert' }, [
    element('h2', {}, ['BERT fill-mask']),
    element('p', {}, [
      `A small BERT (Devlin et al. 2019; ${settings.encoderOptions?.layers ?? '?'} layers of ${settings.encoderOptions?.embeddingSize ?? '?'} dimensions, a WordPiece vocabulary of ${bert.encoder.vocabularySize} learned from the data) trained to fill in masked words of US State of the Union addresses. Type a sentence with [MASK] and it guesses the hidden word. After a few minutes of training on a CPU it mostly guesses frequent words (“the”, “of”); bigger models trained for hours learn to use the context.`,
    ]),
    element('p', { className: 'note' }, [
      `Checkpoint: ${bertAbout.name}, trained by `,
      element('code', {}, ['selfsup pretrain bert']),
      ` for ${bertAbout.step} steps (final loss ${bertAbout.loss.toFixed(2)}, ${Math.round(bertAbout.trainingSeconds)} s on one CPU core).`,
    ]),
    element('div', { className: 'controls' }, [
      element('label', { htmlFor: 'mask-sentence' }, ['Sentence']),
      sentenceInput,
      fillButton,
    ]),
    fillResults,
  ]),
);
showFillMask();
document.body.dataset.ready = 'true';
