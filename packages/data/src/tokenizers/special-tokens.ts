import type { SpecialTokenIdsV1 } from '@selfsup/core';

/** The kinds of special token a `TokenizerV1` names (the keys of `SpecialTokenIdsV1`). */
export type SpecialTokenKind = keyof SpecialTokenIdsV1;

/**
 * The special tokens every tokenizer trained here starts its vocabulary with, in id order:
 * `[PAD]` = 0, `[UNK]` = 1, `[CLS]` = 2, `[SEP]` = 3, `[MASK]` = 4, `<|endoftext|>` = 5.
 * The ids are stable across training runs and corpora, so padding is always 0.
 */
export const defaultSpecialTokens: readonly { kind: SpecialTokenKind; content: string }[] = [
  { kind: 'padding', content: '[PAD]' },
  { kind: 'unknown', content: '[UNK]' },
  { kind: 'classification', content: '[CLS]' },
  { kind: 'separator', content: '[SEP]' },
  { kind: 'mask', content: '[MASK]' },
  { kind: 'endOfText', content: '<|endoftext|>' },
];

/** Token strings recognised as each kind when loading a tokenizer.json made elsewhere. */
const knownContents: Readonly<Record<string, SpecialTokenKind>> = {
  '[PAD]': 'padding',
  '<pad>': 'padding',
  '[UNK]': 'unknown',
  '<unk>': 'unknown',
  '[CLS]': 'classification',
  '<s>': 'classification',
  '[SEP]': 'separator',
  '</s>': 'separator',
  '[MASK]': 'mask',
  '<mask>': 'mask',
  '<|endoftext|>': 'endOfText',
  '[EOS]': 'endOfText',
};

/**
 * Finds which special-token kind a token string stands for, if any.
 *
 * @param content A token string such as `[PAD]` or `<|endoftext|>`.
 * @returns The kind (`'padding'`, `'unknown'`, …), or undefined for an ordinary token.
 */
export function specialTokenKindOf(content: string): SpecialTokenKind | undefined {
  return Object.hasOwn(knownContents, content) ? knownContents[content] : undefined;
}
