/** One of the four learning paradigms of the overview quadrant. */
export type Paradigm = {
  readonly id: 'supervised' | 'unsupervised' | 'self-supervised' | 'semi-supervised';
  readonly name: string;
  /** Quadrant cell: column 0 = no human labels, 1 = human labels; row 0 = predicts a target, 1 = learns structure. */
  readonly column: 0 | 1;
  readonly row: 0 | 1;
  readonly summary: string;
  readonly examples: string;
  /** The demo page that shows it live. */
  readonly demo: { readonly href: string; readonly title: string };
};

/**
 * The four paradigms placed on two axes: whether humans labelled the data, and whether the
 * model predicts a target (labels, or targets made from the data itself) or only models the
 * data's structure.
 */
export const paradigms: readonly Paradigm[] = [
  {
    id: 'self-supervised',
    name: 'Self-supervised',
    column: 0,
    row: 0,
    summary:
      'No human labels: the data supervises itself. The model predicts a hidden part of each example (a masked word, the next token, the other view of an image), and the representation it learns transfers to tasks with few labels.',
    examples: 'SimCLR, MoCo, CLIP, BERT, MAE, GPT, PixelCNN, wav2vec 2.0',
    demo: { href: './contrastive.html', title: 'Watch SimCLR learn' },
  },
  {
    id: 'supervised',
    name: 'Supervised',
    column: 1,
    row: 0,
    summary:
      'Every training example carries a human label and the model learns to predict it. Accurate, but labels are expensive: the bottleneck self-supervision removes.',
    examples: 'Classification and regression from labelled examples',
    demo: { href: './finetune.html', title: 'Finetune with a label budget' },
  },
  {
    id: 'unsupervised',
    name: 'Unsupervised',
    column: 0,
    row: 1,
    summary:
      'No labels and no prediction target: the model describes the structure of the data (clusters, directions of variance, density).',
    examples: 'k-means, PCA, UMAP, autoencoders',
    demo: { href: './contrastive.html', title: 'See a PCA projection of embeddings' },
  },
  {
    id: 'semi-supervised',
    name: 'Semi-supervised',
    column: 1,
    row: 1,
    summary:
      'A few labelled examples plus many unlabelled ones: the structure of the unlabelled data (consistency, pseudo-labels) stretches the few labels further.',
    examples: 'Pseudo-labelling, consistency regularisation, pretrain → finetune',
    demo: { href: './finetune.html', title: 'Compare pretrained and scratch' },
  },
];
