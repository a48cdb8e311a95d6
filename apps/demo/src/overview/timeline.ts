/** One milestone of the self-supervised timeline. */
export type Milestone = {
  readonly year: string;
  readonly name: string;
  readonly paper: string;
  readonly idea: string;
  readonly demo: { readonly href: string; readonly title: string };
};

/** From word vectors to large language models: what each step added, with its live demo page. */
export const milestones: readonly Milestone[] = [
  {
    year: '2013',
    name: 'Word2Vec',
    paper:
      'Mikolov, Chen, Corrado & Dean, "Efficient Estimation of Word Representations in Vector Space"',
    idea: 'Predict a word from its neighbours: one vector per word, learned from raw text.',
    demo: { href: './masked-prediction.html', title: 'Masked prediction' },
  },
  {
    year: '2014',
    name: 'GloVe',
    paper: 'Pennington, Socher & Manning, "GloVe: Global Vectors for Word Representation"',
    idea: 'Fit word vectors to global co-occurrence counts.',
    demo: { href: './masked-prediction.html', title: 'Masked prediction' },
  },
  {
    year: '2018',
    name: 'ELMo',
    paper: 'Peters et al., "Deep contextualized word representations"',
    idea: 'Bidirectional LSTM language models give each word a vector that depends on its sentence.',
    demo: { href: './autoregressive.html', title: 'Autoregressive' },
  },
  {
    year: '2018',
    name: 'GPT-1',
    paper:
      'Radford, Narasimhan, Salimans & Sutskever, "Improving Language Understanding by Generative Pre-Training"',
    idea: 'Pretrain a Transformer to predict the next token, then finetune it on each task.',
    demo: { href: './autoregressive.html', title: 'Autoregressive' },
  },
  {
    year: '2018',
    name: 'BERT',
    paper:
      'Devlin, Chang, Lee & Toutanova, "BERT: Pre-training of Deep Bidirectional Transformers"',
    idea: 'Mask 15% of the tokens and predict them from both sides.',
    demo: { href: './masked-prediction.html', title: 'Masked prediction' },
  },
  {
    year: '2019',
    name: 'GPT-2',
    paper: 'Radford et al., "Language Models are Unsupervised Multitask Learners"',
    idea: 'A larger next-token model does tasks zero-shot from a prompt.',
    demo: { href: './autoregressive.html', title: 'Autoregressive' },
  },
  {
    year: '2020',
    name: 'GPT-3',
    paper: 'Brown et al., "Language Models are Few-Shot Learners"',
    idea: 'Scale to 175 B parameters: few-shot learning from examples in the prompt.',
    demo: { href: './autoregressive.html', title: 'Autoregressive' },
  },
];
