import type { TokenizerV1 } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/**
 * Fills the `{slot}` placeholders of a caption template.
 *
 * @param template text with `{name}` placeholders, e.g. `'a {colour} {shape}'`.
 * @param values the words of each slot.
 * @returns the caption.
 * @example fillTemplate('a {colour} {shape}', { colour: 'red', shape: 'circle' }); // 'a red circle'
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_, slot: string) => {
    const value = values[slot];
    if (value === undefined) {
      throw new Error(`Caption template '${template}' needs a value for {${slot}}.`);
    }
    return value;
  });
}

/**
 * Every caption a set of templates can produce, given the possible words of each slot (to check
 * that training captions and zero-shot prompts never meet).
 *
 * @param templates caption templates.
 * @param slotWords the possible words of each slot.
 * @returns the distinct captions.
 * @example allCaptions(['a {shape}'], { shape: ['circle', 'square'] }); // Set {'a circle', 'a square'}
 */
export function allCaptions(
  templates: readonly string[],
  slotWords: Readonly<Record<string, readonly string[]>>,
): Set<string> {
  const captions = new Set<string>();
  for (const template of templates) {
    const slots = [...new Set(Array.from(template.matchAll(/\{(\w+)\}/g), (match) => match[1]!))];
    const expand = (index: number, values: Record<string, string>): void => {
      if (index === slots.length) {
        captions.add(fillTemplate(template, values));
        return;
      }
      const slot = slots[index]!;
      const words = slotWords[slot];
      if (!words) throw new Error(`No words for slot {${slot}} of template '${template}'.`);
      for (const word of words) expand(index + 1, { ...values, [slot]: word });
    };
    expand(0, {});
  }
  return captions;
}

/**
 * Tokenizes captions into one `[N, maxLength]` int32 tensor: ids truncated to `maxLength`, then
 * padded with the tokenizer's padding id (0 when it has none).
 *
 * @param captions the texts.
 * @param tokenizer any {@link TokenizerV1}.
 * @param maxLength tokens per caption.
 * @returns the ids; the caller disposes the tensor.
 * @example const tokens = tokenizeCaptions(['a red circle'], tokenizer, 16); // [1, 16]
 */
export function tokenizeCaptions(
  captions: readonly string[],
  tokenizer: TokenizerV1,
  maxLength: number,
): tf.Tensor2D {
  const padding = tokenizer.specialTokens.padding ?? 0;
  const ids = new Int32Array(captions.length * maxLength).fill(padding);
  captions.forEach((caption, row) => {
    const encoded = tokenizer.encode(caption);
    ids.set(encoded.slice(0, maxLength), row * maxLength);
  });
  return tf.tensor2d(ids, [captions.length, maxLength], 'int32');
}
