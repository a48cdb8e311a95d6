import { element, mountPage } from '../shared/page-layout';

const { main } = await mountPage('autoregressive');
main.append(
  element('h1', {}, ['Autoregressive models: predict the next piece']),
  element('p', {}, [
    'An autoregressive model predicts each token, pixel or audio sample from the ones before it, so it can generate new data one piece at a time (GPT, PixelCNN, WaveNet in @selfsup/autoregressive).',
  ]),
  element('section', { ariaLabel: 'Planned demos' }, [
    element('h2', {}, ['Coming next']),
    element('ul', {}, [
      element('li', {}, ['GPT text streaming with temperature, top-k and top-p controls.']),
      element('li', {}, ['PixelCNN sampling a digit pixel by pixel.']),
      element('li', {}, ['WaveNet audio with a play button.']),
    ]),
    element('p', { className: 'note' }, [
      'These load small checkpoints trained by the selfsup CLI; they are not built yet.',
    ]),
  ]),
);
document.body.dataset.ready = 'true';
