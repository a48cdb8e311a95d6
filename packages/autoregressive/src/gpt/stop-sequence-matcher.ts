/** What {@link StopSequenceMatcher.push} decides after one token. */
export type StopSequenceStep = {
  /** Tokens that are now safe to emit (they cannot start a stop sequence any more). */
  readonly emit: number[];
  /** Whether a stop sequence was just completed (generation must end; it is not emitted). */
  readonly stopped: boolean;
};

/**
 * Detects stop sequences in generated tokens and holds back the tokens that might begin one, so
 * that a stop sequence is never emitted, not even in part, when streaming.
 *
 * Only generated tokens are matched (not the prompt). After each token, a stop sequence that ends
 * the generated tokens stops generation: the tokens before it that were held back are emitted, the
 * stop sequence is dropped. Otherwise every token is emitted except the longest tail of the
 * generated tokens that is a proper prefix of some stop sequence. {@link StopSequenceMatcher.flush}
 * releases that tail when generation ends for another reason (max tokens).
 *
 * @example
 * const matcher = new StopSequenceMatcher([[5, 6]]);
 * matcher.push(1); // { emit: [1], stopped: false }
 * matcher.push(5); // { emit: [], stopped: false }: 5 may start [5, 6]
 * matcher.push(6); // { emit: [], stopped: true }
 */
export class StopSequenceMatcher {
  private readonly sequences: readonly (readonly number[])[];
  private readonly generated: number[] = [];
  private emitted = 0;

  /** @param stopSequences non-empty token-id sequences */
  constructor(stopSequences: readonly (readonly number[])[]) {
    for (const sequence of stopSequences) {
      if (sequence.length === 0) {
        throw new RangeError(
          'A stop sequence must hold at least one token id; remove the empty one.',
        );
      }
    }
    this.sequences = stopSequences;
  }

  /**
   * Adds one generated token.
   *
   * @param token the new token id
   * @returns the tokens to emit now and whether a stop sequence completed
   */
  push(token: number): StopSequenceStep {
    this.generated.push(token);
    const length = this.generated.length;
    for (const sequence of this.sequences) {
      if (this.endsWith(sequence, length)) {
        const emit = this.generated.slice(
          this.emitted,
          Math.max(this.emitted, length - sequence.length),
        );
        this.emitted = length;
        return { emit, stopped: true };
      }
    }
    const held = this.longestPartialMatch(length);
    const emit = this.generated.slice(this.emitted, length - held);
    this.emitted = Math.max(this.emitted, length - held);
    return { emit, stopped: false };
  }

  /** Emits every held-back token (generation ended without completing a stop sequence). */
  flush(): number[] {
    const emit = this.generated.slice(this.emitted);
    this.emitted = this.generated.length;
    return emit;
  }

  private endsWith(sequence: readonly number[], length: number): boolean {
    if (sequence.length > length) return false;
    const offset = length - sequence.length;
    return sequence.every((token, index) => this.generated[offset + index] === token);
  }

  /** The longest tail of the generated tokens that is a proper prefix of a stop sequence. */
  private longestPartialMatch(length: number): number {
    let longest = 0;
    for (const sequence of this.sequences) {
      for (let size = Math.min(sequence.length - 1, length); size > longest; size--) {
        const offset = length - size;
        let matches = true;
        for (let index = 0; index < size; index++) {
          if (this.generated[offset + index] !== sequence[index]) {
            matches = false;
            break;
          }
        }
        if (matches) {
          longest = size;
          break;
        }
      }
    }
    return longest;
  }
}
