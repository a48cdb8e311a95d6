import {
  PixelCnn,
  pixelCnnEncoderFactory,
  pixelCnnEncoderType,
  registerPixelCnnLayers,
  streamGenerate,
} from '@selfsup/autoregressive';
import { syntheticAudioClassNames } from '@selfsup/data/browser';
import { fetchGpt, nextTokenLogits } from '../autoregressive/gpt-checkpoint';
import { samplePixelsOneByOne } from '../autoregressive/pixel-cnn-sampler';
import { fetchWavenet, generateClip } from '../autoregressive/wavenet-audio';
import {
  type DemoModelAbout,
  demoModelUrl,
  fetchEncoder,
  fetchModelAbout,
} from '../shared/fetch-checkpoint';
import { element, mountPage } from '../shared/page-layout';
import { yieldToBrowser } from '../shared/yield-to-browser';

declare global {
  interface Window {
    /** The last next-token logits the page computed (read by the e2e test). */
    __selfsupLogits?: { readonly text: string; readonly ids: number[]; readonly logits: number[] };
  }
}

const { main } = await mountPage('autoregressive');
main.append(
  element('h1', {}, ['Autoregressive models: predict the next piece']),
  element('p', {}, [
    'An autoregressive model predicts each token, pixel or audio sample from the ones before it, so it can generate new data one piece at a time. The three models below are small checkpoints trained by the selfsup CLI (',
    element('code', {}, ['selfsup pretrain']),
    ') and loaded here as standard TensorFlow.js layers models.',
  ]),
);

/** A labelled form control inside a `.controls` row. */
function labelled(id: string, text: string, control: HTMLElement): HTMLElement[] {
  control.id = id;
  return [element('label', { htmlFor: id }, [text]), control];
}

/** "Trained by … in N s": how the script made a checkpoint. */
function trainedNote(about: DemoModelAbout, data: string): HTMLElement {
  return element('p', { className: 'note' }, [
    `Checkpoint: ${about.name}, trained by `,
    element('code', {}, [`selfsup pretrain ${about.method}`]),
    ` on ${data} for ${about.step} steps (final loss ${about.loss.toFixed(3)}, ${Math.round(about.trainingSeconds)} s on one CPU core).`,
  ]);
}

const gptUrl = demoModelUrl('gpt-names');
const pixelUrl = demoModelUrl('pixelcnn-mnist');
const wavenetUrl = demoModelUrl('wavenet-audio');
registerPixelCnnLayers();
const [gptModel, pixel, wavenet, gptAbout, pixelAbout, wavenetAbout] = await Promise.all([
  fetchGpt(gptUrl),
  fetchEncoder(pixelUrl, { [pixelCnnEncoderType]: pixelCnnEncoderFactory }),
  fetchWavenet(wavenetUrl),
  fetchModelAbout(gptUrl),
  fetchModelAbout(pixelUrl),
  fetchModelAbout(wavenetUrl),
]);
if (!(pixel.encoder instanceof PixelCnn)) throw new Error(`${pixelUrl} is not a PixelCNN.`);
const pixelCnn = pixel.encoder;

// GPT text streaming.
const promptInput = element('input', { type: 'text', value: '', size: 16 });
const temperatureInput = element('input', {
  type: 'range',
  min: '0',
  max: '2',
  step: '0.1',
  value: '0.8',
});
const temperatureValue = element('output', { id: 'temperature-value' }, ['0.8']);
temperatureValue.setAttribute('for', 'temperature');
const topKInput = element('input', { type: 'number', min: '0', max: '100', step: '1', value: '0' });
const topPInput = element('input', {
  type: 'range',
  min: '0.05',
  max: '1',
  step: '0.05',
  value: '0.95',
});
const topPValue = element('output', { id: 'top-p-value' }, ['0.95']);
topPValue.setAttribute('for', 'top-p');
const maxTokensInput = element('input', {
  type: 'number',
  min: '1',
  max: '500',
  step: '1',
  value: new URLSearchParams(location.search).get('tokens') ?? '120',
});
const seedInput = element('input', { type: 'number', min: '0', step: '1', value: '0' });
const generateButton = element('button', { type: 'button', id: 'generate-button' }, ['Generate']);
const stopButton = element('button', { type: 'button', id: 'stop-generate', disabled: true }, [
  'Stop',
]);
const textStatus = element('output', { id: 'generate-status' }, ['Ready.']);
const generated = element('pre', { id: 'generated-text', className: 'generated-text' });
// A log: new text is announced as it arrives (role log is aria-live polite; it may be named).
generated.setAttribute('role', 'log');
generated.setAttribute('aria-live', 'polite');
generated.setAttribute('aria-label', 'Generated text');
generated.tabIndex = 0;
temperatureInput.addEventListener('input', () => {
  temperatureValue.value = temperatureInput.value;
});
topPInput.addEventListener('input', () => {
  topPValue.value = topPInput.value;
});
const gptSection = element('section', { ariaLabel: 'GPT text streaming', id: 'gpt' }, [
  element('h2', {}, ['GPT: new names, one character at a time']),
  element('p', {}, [
    'A character-level GPT (Radford et al. 2018; 2 layers, 64 dimensions, 4 heads, a context of 32 characters) trained on a list of English first names, one per line (the list is alphabetical, so it also learned to continue in alphabetical order). Each character is drawn from the softmax of its next-token logits: the temperature sharpens or flattens it, top-k keeps the k most likely characters (0 = all), top-p keeps the most likely ones up to that probability.',
  ]),
  trainedNote(gptAbout, 'the names dataset'),
  element('div', { className: 'controls' }, [
    ...labelled('prompt', 'Start with', promptInput),
    ...labelled('temperature', 'Temperature', temperatureInput),
    temperatureValue,
    ...labelled('top-k', 'Top-k', topKInput),
    ...labelled('top-p', 'Top-p', topPInput),
    topPValue,
  ]),
  element('div', { className: 'controls' }, [
    ...labelled('max-tokens', 'Characters', maxTokensInput),
    ...labelled('seed', 'Seed', seedInput),
    generateButton,
    stopButton,
    textStatus,
  ]),
  generated,
]);
gptSection.dataset.state = 'idle';
main.append(gptSection);

let generation: AbortController | undefined;
stopButton.addEventListener('click', () => generation?.abort());
generateButton.addEventListener('click', async () => {
  const topK = Math.round(Number(topKInput.value));
  const maxTokens = Math.round(Number(maxTokensInput.value));
  const seed = Math.round(Number(seedInput.value));
  if (!(maxTokens >= 1 && maxTokens <= 500) || !(topK >= 0) || !(seed >= 0)) {
    textStatus.value = 'Choose 1 to 500 characters, a top-k ≥ 0 and a seed ≥ 0.';
    return;
  }
  // Names are one per line: the prompt starts a new line, as `selfsup generate` does.
  const prompt = `\n${promptInput.value.toLowerCase()}`;
  const promptIds = [...gptModel.tokenizer.encode(prompt)];
  generation = new AbortController();
  generateButton.disabled = true;
  stopButton.disabled = false;
  gptSection.dataset.state = 'generating';
  generated.textContent = promptInput.value.toLowerCase();
  const started = performance.now();
  let count = 0;
  try {
    for await (const id of streamGenerate(gptModel.gpt, promptIds, {
      maxTokens,
      seed,
      temperature: Number(temperatureInput.value),
      topP: Number(topPInput.value),
      ...(topK > 0 ? { topK } : {}),
      signal: generation.signal,
    })) {
      generated.append(gptModel.tokenizer.decode([id]));
      count++;
      textStatus.value = `${count} of ${maxTokens} characters`;
      await yieldToBrowser();
    }
    const seconds = (performance.now() - started) / 1000;
    textStatus.value = `Done: ${count} characters in ${seconds.toFixed(1)} s.`;
    gptSection.dataset.state = 'done';
    gptSection.dataset.tokens = String(count);
  } catch (error) {
    textStatus.value = `Generation failed: ${error instanceof Error ? error.message : String(error)}`;
    gptSection.dataset.state = 'error';
  } finally {
    generateButton.disabled = false;
    stopButton.disabled = true;
  }
});

// The same logits as in Node.
const logitsInput = element('input', { type: 'text', value: 'emm', size: 16 });
const logitsButton = element('button', { type: 'button', id: 'logits-button' }, [
  'Predict the next character',
]);
const logitsTable = element('ol', { id: 'next-characters' });
const logitsResult = element('div', { id: 'logits-result' }, [logitsTable]);
logitsButton.addEventListener('click', () => {
  const text = `\n${logitsInput.value.toLowerCase()}`;
  try {
    const { ids, logits } = nextTokenLogits(gptModel, text);
    const values = [...logits];
    window.__selfsupLogits = { text, ids, logits: values };
    logitsResult.dataset.logits = JSON.stringify(values);
    logitsResult.dataset.ids = JSON.stringify(ids);
    const largest = Math.max(...values);
    const weights = values.map((value) => Math.exp(value - largest));
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    const ranked = weights
      .map((weight, id) => ({ id, probability: weight / total }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, 5);
    logitsTable.replaceChildren(
      ...ranked.map(({ id, probability }) => {
        const character = gptModel.tokenizer.decode([id]);
        const shown = character === '\n' ? 'end of name' : `“${character}”`;
        return element('li', {}, [`${shown}: ${(100 * probability).toFixed(1)}%`]);
      }),
    );
  } catch (error) {
    logitsTable.replaceChildren(
      element('li', { className: 'error' }, [
        error instanceof Error ? error.message : String(error),
      ]),
    );
  }
});
main.append(
  element('section', { ariaLabel: 'Next-character prediction', id: 'next-character' }, [
    element('h2', {}, ['What comes next?']),
    element('p', {}, [
      'The five most likely characters after the start of a name, from the same checkpoint. The end-to-end tests load this checkpoint in Node too and check that both give the same logits.',
    ]),
    element('div', { className: 'controls' }, [
      ...labelled('logits-text', 'Start of a name', logitsInput),
      logitsButton,
    ]),
    logitsResult,
  ]),
);

// PixelCNN, pixel by pixel.
const classSelect = element('select', {});
for (let digit = 0; digit < pixelCnn.settings.classes; digit++) {
  classSelect.append(element('option', { value: String(digit) }, [String(digit)]));
}
classSelect.value = '3';
const pixelSeedInput = element('input', { type: 'number', min: '0', step: '1', value: '0' });
const drawButton = element('button', { type: 'button', id: 'draw-button' }, ['Draw a digit']);
const stopDrawButton = element('button', { type: 'button', id: 'stop-draw', disabled: true }, [
  'Stop',
]);
const drawStatus = element('output', { id: 'draw-status' }, ['Ready.']);
const { height, width } = pixelCnn.settings;
const pixelCanvas = element('canvas', { id: 'pixel-canvas', width, height });
pixelCanvas.className = 'pixel-canvas';
pixelCanvas.setAttribute('role', 'img');
pixelCanvas.setAttribute('aria-label', 'The digit being drawn');
const pixelSection = element('section', { ariaLabel: 'PixelCNN sampling', id: 'pixelcnn' }, [
  element('h2', {}, ['PixelCNN: a digit, pixel by pixel']),
  element('p', {}, [
    `A class-conditional gated PixelCNN (van den Oord et al. 2016; ${pixelCnn.settings.blocks} blocks of ${pixelCnn.settings.channels} channels) on binarized MNIST. It draws the ${height * width} pixels in reading order, each black or white with the probability the network gives it from the pixels above and to the left. After ${pixelAbout.step} training steps it draws strokes more than clean digits.`,
  ]),
  trainedNote(pixelAbout, 'MNIST'),
  element('div', { className: 'controls' }, [
    ...labelled('pixel-class', 'Digit', classSelect),
    ...labelled('pixel-seed', 'Seed', pixelSeedInput),
    drawButton,
    stopDrawButton,
    drawStatus,
  ]),
  pixelCanvas,
]);
pixelSection.dataset.state = 'idle';
main.append(pixelSection);

let drawing: AbortController | undefined;
stopDrawButton.addEventListener('click', () => drawing?.abort());
drawButton.addEventListener('click', async () => {
  const context = pixelCanvas.getContext('2d');
  if (context === null) throw new Error('This browser gives no 2-D canvas context.');
  context.fillStyle = '#d7dbe0';
  context.fillRect(0, 0, width, height);
  drawing = new AbortController();
  drawButton.disabled = true;
  stopDrawButton.disabled = false;
  pixelSection.dataset.state = 'drawing';
  const started = performance.now();
  let done = 0;
  try {
    const pixels = await samplePixelsOneByOne(pixelCnn, {
      classId: Number(classSelect.value),
      seed: Math.max(0, Math.round(Number(pixelSeedInput.value))),
      signal: drawing.signal,
      onPixel: async (row, column, value) => {
        context.fillStyle = value === 1 ? '#ffffff' : '#000000';
        context.fillRect(column, row, 1, 1);
        done++;
        if (column === width - 1) drawStatus.value = `Row ${row + 1} of ${height}`;
        await yieldToBrowser();
      },
    });
    const seconds = (performance.now() - started) / 1000;
    drawStatus.value = `${done} pixels in ${seconds.toFixed(1)} s.`;
    pixelSection.dataset.state = 'done';
    pixelSection.dataset.pixels = String(done);
    pixelSection.dataset.white = String(pixels.reduce((sum, value) => sum + value, 0));
  } catch (error) {
    drawStatus.value = `Sampling failed: ${error instanceof Error ? error.message : String(error)}`;
    pixelSection.dataset.state = 'error';
  } finally {
    drawButton.disabled = false;
    stopDrawButton.disabled = true;
  }
});

// WaveNet audio.
const audioClassSelect = element('select', {});
syntheticAudioClassNames.forEach((name, index) => {
  if (index < wavenet.objective.wavenet.settings.classes)
    audioClassSelect.append(element('option', { value: String(index) }, [name]));
});
const secondsSelect = element('select', {});
for (const seconds of ['0.1', '0.25', '0.5']) {
  secondsSelect.append(element('option', { value: seconds }, [`${seconds} s`]));
}
secondsSelect.value = new URLSearchParams(location.search).get('seconds') ?? '0.25';
const audioButton = element('button', { type: 'button', id: 'audio-button' }, ['Generate audio']);
const audioStatus = element('output', { id: 'audio-status' }, ['Ready.']);
const audioPlayer = element('audio', { id: 'wavenet-audio', controls: true });
audioPlayer.setAttribute('aria-label', 'Generated audio');
const audioSection = element('section', { ariaLabel: 'WaveNet audio', id: 'wavenet' }, [
  element('h2', {}, ['WaveNet: a short sound of a chosen kind']),
  element('p', {}, [
    `A class-conditional WaveNet (van den Oord et al. 2016; ${wavenet.objective.wavenet.settings.layers} dilated causal layers of ${wavenet.objective.wavenet.settings.channels} channels, 256 μ-law levels) trained on selfsup's synthetic audio clips (${wavenet.sampleRate} samples per second). It generates one sample at a time with fast WaveNet generation (Paine et al. 2016), live in this tab; the page is busy until the clip is done.`,
  ]),
  trainedNote(wavenetAbout, 'synthetic audio'),
  element('div', { className: 'controls' }, [
    ...labelled('audio-class', 'Sound', audioClassSelect),
    ...labelled('audio-seconds', 'Length', secondsSelect),
    audioButton,
    audioStatus,
  ]),
  audioPlayer,
]);
audioSection.dataset.state = 'idle';
main.append(audioSection);

let audioUrl: string | undefined;
audioButton.addEventListener('click', async () => {
  audioButton.disabled = true;
  audioSection.dataset.state = 'generating';
  audioStatus.value = 'Generating…';
  await yieldToBrowser();
  try {
    const clip = await generateClip(wavenet, {
      seconds: Number(secondsSelect.value),
      classId: Number(audioClassSelect.value),
    });
    if (audioUrl !== undefined) URL.revokeObjectURL(audioUrl);
    audioUrl = URL.createObjectURL(clip.wav);
    audioPlayer.src = audioUrl;
    audioStatus.value = `${clip.audio.length} samples in ${clip.seconds.toFixed(1)} s.`;
    audioSection.dataset.state = 'done';
    audioSection.dataset.samples = String(clip.audio.length);
    audioSection.dataset.wavBytes = String(clip.wav.size);
  } catch (error) {
    audioStatus.value = `Generation failed: ${error instanceof Error ? error.message : String(error)}`;
    audioSection.dataset.state = 'error';
  } finally {
    audioButton.disabled = false;
  }
});

document.body.dataset.ready = 'true';
