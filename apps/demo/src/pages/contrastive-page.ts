import { lossCurveChart, projectionChart } from '@selfsup/charts';
import { imagesToTensor, mnistZeroShotPrompts } from '@selfsup/data/browser';
import * as tf from '@tensorflow/tfjs';
import { fetchClip, type LoadedClip, retrieveImages } from '../contrastive/clip-checkpoint';
import {
  runSimclrLive,
  type SimclrLiveProjection,
  simclrViewExamples,
} from '../contrastive/simclr-live-run';
import { drawImages } from '../shared/draw-images';
import { demoModelUrl, fetchModelAbout } from '../shared/fetch-checkpoint';
import { fetchMnistSubset } from '../shared/mnist-subset';
import { element, mountPage } from '../shared/page-layout';
import { renderChart } from '../shared/render-chart';
import { yieldToBrowser } from '../shared/yield-to-browser';

const defaultSteps = 60;
const { main } = await mountPage('contrastive');
const [train, test] = await Promise.all([fetchMnistSubset('train'), fetchMnistSubset('test')]);
const trainImages = { ...train, count: 512, images: train.images.subarray(0, 512 * 784) };

main.append(
  element('h1', {}, ['Contrastive learning: SimCLR on MNIST']),
  element('p', {}, [
    'SimCLR (Chen et al. 2020) never sees a label. It makes two random views of each digit and trains the encoder so that the two views of the same digit end up close together and far from the other digits of the batch (the NT-Xent loss).',
  ]),
);

// The two augmented views.
const viewGrid = element('div', { className: 'view-grid', id: 'views' });
let viewSeed = 0;
async function showViews(): Promise<void> {
  const { originals, first, second } = simclrViewExamples(train, 6, viewSeed);
  try {
    const rows: [string, tf.Tensor4D][] = [
      ['Original', originals],
      ['View 1', first],
      ['View 2', second],
    ];
    const children: Node[] = [];
    for (const [name, images] of rows) {
      children.push(element('span', {}, [name]));
      children.push(...(await drawImages(images, (i) => `${name} of digit ${i + 1}`)));
    }
    viewGrid.replaceChildren(...children);
  } finally {
    tf.dispose([originals, first, second]);
  }
}
const newViews = element('button', { type: 'button', className: 'secondary' }, ['New views']);
newViews.addEventListener('click', async () => {
  viewSeed++;
  await showViews();
});
main.append(
  element('section', { ariaLabel: 'Augmented views' }, [
    element('h2', {}, ['Two views of each digit']),
    element('p', {}, [
      'Random resized crop, brightness and contrast jitter, and blur (core’s mnistViewPreset).',
    ]),
    viewGrid,
    element('div', { className: 'controls' }, [newViews]),
  ]),
);
await showViews();

// Live training.
const requestedSteps = Number(new URLSearchParams(location.search).get('steps') ?? defaultSteps);
const stepsInput = element('input', {
  type: 'number',
  id: 'steps-input',
  min: '10',
  max: '500',
  step: '10',
  value: String(Number.isInteger(requestedSteps) && requestedSteps > 0 ? requestedSteps : 60),
});
const trainButton = element('button', { type: 'button', id: 'train-button' }, ['Train']);
const stopButton = element('button', { type: 'button', id: 'stop-button', disabled: true }, [
  'Stop',
]);
const status = element('output', { id: 'train-status' }, ['Not started.']);
status.setAttribute('aria-live', 'polite');
const lossFigure = element('div', { id: 'loss-chart' });
const projectionFigure = element('div', { id: 'projection-chart' });
const lossLog = element('ol', { id: 'loss-log' });
const section = element('section', { ariaLabel: 'Live training', id: 'training' }, [
  element('h2', {}, ['Train it live']),
  element('p', {}, [
    `${trainImages.count} unlabeled training digits, batches of 32 (64 views), a small ConvNet encoder. The projection shows 256 held-out digits, coloured by the labels SimCLR never saw.`,
  ]),
  element('div', { className: 'controls' }, [
    element('label', { htmlFor: 'steps-input' }, ['Steps']),
    stepsInput,
    trainButton,
    stopButton,
    status,
  ]),
  element('div', { className: 'charts' }, [
    element('figure', {}, [
      lossFigure,
      element('figcaption', {}, ['NT-Xent loss per step (lower is better).']),
    ]),
    element('figure', {}, [
      projectionFigure,
      element('figcaption', {}, [
        'PCA of the encoder’s embeddings of held-out digits, coloured by their hidden labels.',
      ]),
    ]),
  ]),
  element('details', {}, [element('summary', {}, ['Loss values']), lossLog]),
]);
section.dataset.state = 'idle';
main.append(section);

async function drawProjection(projection: SimclrLiveProjection): Promise<void> {
  const points = Array.from(projection.labels, (label, i) => ({
    x: projection.points[2 * i]!,
    y: projection.points[2 * i + 1]!,
    label,
  }));
  const variance = projection.explainedVariance;
  await renderChart(
    projectionFigure,
    projectionChart(points, {
      title: `Held-out embeddings after ${projection.step} steps`,
      xTitle: variance ? `PC 1 (${Math.round(variance[0] * 100)}%)` : 'PC 1',
      yTitle: variance ? `PC 2 (${Math.round(variance[1] * 100)}%)` : 'PC 2',
      labelTitle: 'Digit',
      width: 320,
      height: 260,
    }),
    `Projection of held-out digit embeddings after ${projection.step} steps`,
  );
}

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
  lossLog.replaceChildren();
  const points: { step: number; loss: number }[] = [];
  let lastDraw = 0;
  try {
    const result = await runSimclrLive({
      train: trainImages,
      test,
      steps,
      signal: controller.signal,
      onStep: async (event) => {
        await yieldToBrowser();
        points.push({ step: event.step + 1, loss: event.loss });
        lossLog.append(element('li', {}, [event.loss.toFixed(4)]));
        status.value = `Step ${event.step + 1} of ${steps}: loss ${event.loss.toFixed(3)}`;
        if (performance.now() - lastDraw > 250) {
          lastDraw = performance.now();
          await renderChart(
            lossFigure,
            lossCurveChart(points, { title: 'SimCLR loss', width: 320, height: 260 }),
            `SimCLR loss over ${points.length} steps`,
          );
        }
      },
      onProjection: drawProjection,
    });
    await renderChart(
      lossFigure,
      lossCurveChart(points, { title: 'SimCLR loss', width: 320, height: 260 }),
      `SimCLR loss over ${points.length} steps`,
    );
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

// CLIP zero-shot retrieval, from a checkpoint trained by the CLI. The model loads and embeds
// the gallery on the first search, so the page (and live SimCLR training) never waits for it.
const clipUrl = demoModelUrl('clip-mnist');
// Each digit's zero-shot prompts compete with the typed one, image by image (see retrieveImages).
const referencePrompts = mnistZeroShotPrompts().flat();
type ClipGallery = {
  readonly model: LoadedClip;
  readonly images: tf.Tensor4D;
  readonly embeddings: tf.Tensor2D;
};
let gallery: Promise<ClipGallery> | undefined;
function loadGallery(): Promise<ClipGallery> {
  gallery ??= fetchClip(clipUrl).then((model) => {
    const images = imagesToTensor(
      test,
      Array.from({ length: test.count }, (_, index) => index),
    );
    const embeddings = tf.tidy(() => model.clip.embedImages(images, { training: false }));
    return { model, images, embeddings };
  });
  return gallery;
}
const promptInput = element('input', {
  type: 'text',
  id: 'clip-prompt',
  value: 'a photo of the number seven',
  size: 40,
});
const retrieveButton = element('button', { type: 'button', id: 'clip-button' }, ['Find digits']);
const retrieved = element('div', { className: 'retrieved', id: 'clip-results' });
retrieved.setAttribute('aria-live', 'polite');
const clipNote = element('p', { className: 'note', id: 'clip-note' }, [
  'The checkpoint loads on the first search.',
]);
async function showRetrieved(): Promise<void> {
  const prompt = promptInput.value;
  try {
    if (gallery === undefined) clipNote.textContent = 'Loading the CLIP checkpoint…';
    const { model, images, embeddings } = await loadGallery();
    const { indices, similarities } = retrieveImages(model, embeddings, prompt, {
      count: 8,
      referencePrompts,
    });
    const picked = tf.tidy(() => tf.gather(images, indices));
    try {
      const canvases = await drawImages(
        picked,
        (i) => `Retrieved digit ${i + 1} (score ${similarities[i]?.toFixed(2)})`,
      );
      retrieved.replaceChildren(...canvases);
    } finally {
      picked.dispose();
    }
    retrieved.dataset.prompt = prompt;
    retrieved.dataset.labels = JSON.stringify(indices.map((index) => test.labels[index]));
    retrieved.dataset.indices = JSON.stringify(indices);
    clipNote.textContent = `The ${indices.length} best of ${test.count} held-out digits for “${prompt}”.`;
  } catch (error) {
    retrieved.replaceChildren(
      element('p', { className: 'error' }, [
        error instanceof Error ? error.message : String(error),
      ]),
    );
  }
}
retrieveButton.addEventListener('click', () => {
  void showRetrieved();
});
promptInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') void showRetrieved();
});
const clipSection = element('section', { ariaLabel: 'CLIP zero-shot', id: 'clip' }, [
  element('h2', {}, ['CLIP zero-shot retrieval']),
  element('p', {}, [
    `CLIP (Radford et al. 2021) learns an image encoder and a text encoder together, so that a digit and its caption land close in one space. It was trained on generated captions of MNIST digits (“a right-leaning handwritten seven”, “the digit 7 written in thin strokes”), not on prompts like the ones you type here: type one and see which of ${test.count} held-out digits match it best. Each digit weighs your prompt against captions of the ten digits (a softmax over texts, as in CLIP’s zero-shot classifier); ranking by raw similarity instead lets a few “hub” digits, close to every text, top every list.`,
  ]),
  element('div', { className: 'controls' }, [
    element('label', { htmlFor: 'clip-prompt' }, ['Prompt']),
    promptInput,
    retrieveButton,
  ]),
  clipNote,
  retrieved,
]);
main.append(clipSection);
void fetchModelAbout(clipUrl).then(
  (about) => {
    clipSection.insertBefore(
      element('p', { className: 'note' }, [
        `Checkpoint: ${about.name}, trained by `,
        element('code', {}, ['selfsup pretrain clip']),
        ` on captioned MNIST for ${about.step} steps (final loss ${about.loss.toFixed(2)}, ${Math.round(about.trainingSeconds)} s on one CPU core).`,
      ]),
      clipSection.querySelector('.controls'),
    );
  },
  (error: unknown) => {
    clipNote.textContent = error instanceof Error ? error.message : String(error);
  },
);
document.body.dataset.ready = 'true';
