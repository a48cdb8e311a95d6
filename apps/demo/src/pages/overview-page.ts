import { type Paradigm, paradigms } from '../overview/paradigms';
import { milestones } from '../overview/timeline';
import { element, mountPage } from '../shared/page-layout';

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

const { main } = await mountPage('overview');
main.append(
  element('h1', {}, ['Self-supervised learning, live in your browser']),
  element('p', {}, [
    'Self-supervised methods learn from unlabeled data by predicting parts of it, then need only a few labels for a task. Each page trains or runs a model from the selfsup packages right here.',
  ]),
  quadrant(),
  timeline(),
);
document.body.dataset.ready = 'true';
