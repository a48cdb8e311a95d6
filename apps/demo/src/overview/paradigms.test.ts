import { describe, expect, it } from 'vitest';
import { paradigms } from './paradigms';
import { milestones } from './timeline';

describe('the overview content', () => {
  it('places the four paradigms in the four quadrant cells, each with a demo page', () => {
    const cells = paradigms.map((paradigm) => `${paradigm.column},${paradigm.row}`);
    expect(new Set(cells).size).toBe(4);
    expect(paradigms.map((paradigm) => paradigm.id).sort()).toEqual([
      'self-supervised',
      'semi-supervised',
      'supervised',
      'unsupervised',
    ]);
    for (const paradigm of paradigms) expect(paradigm.demo.href).toMatch(/^\.\/[a-z-]+\.html$/);
  });

  it('lists the timeline in order from Word2Vec (2013) to GPT-3 (2020), each linking a demo', () => {
    const years = milestones.map((milestone) => Number(milestone.year));
    expect(years).toEqual([...years].sort((a, b) => a - b));
    expect(milestones[0]?.name).toBe('Word2Vec');
    expect(milestones.at(-1)?.name).toBe('GPT-3');
    expect(milestones.map((milestone) => milestone.name)).toEqual(
      expect.arrayContaining(['GloVe', 'ELMo', 'GPT-1', 'BERT', 'GPT-2']),
    );
    for (const milestone of milestones) expect(milestone.demo.href).toMatch(/\.html$/);
  });
});
