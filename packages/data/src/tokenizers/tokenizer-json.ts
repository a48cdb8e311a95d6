/** One entry of `added_tokens` in a Hugging Face `tokenizer.json`. */
export type TokenizerJsonAddedToken = {
  readonly id: number;
  readonly content: string;
  readonly single_word: boolean;
  readonly lstrip: boolean;
  readonly rstrip: boolean;
  readonly normalized: boolean;
  readonly special: boolean;
};

/** A normalizer, pre-tokenizer, post-processor or decoder: a `type` and its settings, or null. */
export type TokenizerJsonComponent = {
  readonly type: string;
  readonly [key: string]: unknown;
} | null;

/** `model` of type BPE (Sennrich et al. 2016): vocabulary and ranked merges. */
export type TokenizerJsonBytePairEncodingModel = {
  readonly type: 'BPE';
  readonly dropout: number | null;
  readonly unk_token: string | null;
  readonly continuing_subword_prefix: string | null;
  readonly end_of_word_suffix: string | null;
  readonly fuse_unk: boolean;
  readonly byte_fallback: boolean;
  readonly ignore_merges: boolean;
  readonly vocab: Readonly<Record<string, number>>;
  /** Ranked merges, first applied first: `"left right"` strings or `[left, right]` pairs. */
  readonly merges: readonly (string | readonly [string, string])[];
};

/** `model` of type WordPiece (Schuster & Nakajima 2012; BERT's `##` continuation prefix). */
export type TokenizerJsonWordPieceModel = {
  readonly type: 'WordPiece';
  readonly unk_token: string;
  readonly continuing_subword_prefix: string;
  readonly max_input_chars_per_word: number;
  readonly vocab: Readonly<Record<string, number>>;
};

/**
 * The Hugging Face `tokenizer.json` format (as written by the `tokenizers` library), limited to
 * the BPE and WordPiece models. Field names are the file's own (snake_case).
 */
export type TokenizerJson = {
  readonly version: string;
  readonly truncation: unknown;
  readonly padding: unknown;
  readonly added_tokens: readonly TokenizerJsonAddedToken[];
  readonly normalizer: TokenizerJsonComponent;
  readonly pre_tokenizer: TokenizerJsonComponent;
  readonly post_processor: TokenizerJsonComponent;
  readonly decoder: TokenizerJsonComponent;
  readonly model: TokenizerJsonBytePairEncodingModel | TokenizerJsonWordPieceModel;
};

/** A parsed, checked tokenizer.json and the vocabulary facts derived from it. */
export type CheckedTokenizerJson = {
  readonly json: TokenizerJson;
  /** One more than the largest id; every id below it has a token. */
  readonly vocabularySize: number;
};

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  // JSON, not String(): an object's own toString may be anything (e.g. {"toString": []}).
  if (typeof value === 'object') return `an object ${jsonPreview(value)}`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

function jsonPreview(value: object): string {
  try {
    return (JSON.stringify(value) ?? '').slice(0, 40);
  } catch {
    return '(not JSON)';
  }
}

/**
 * Checks a parsed Hugging Face `tokenizer.json` and fills the defaults the Rust library fills.
 *
 * Every problem is reported with the file (or source) and the JSON path of the field, e.g.
 * `tokenizer.json: field "model.merges[3]" names "q u" but "u" is not in model.vocab`, so a
 * hand-edited or truncated file is easy to fix. Only the BPE and WordPiece models are accepted.
 *
 * @param value The parsed JSON (`JSON.parse` of the file).
 * @param source Where it came from, for error messages.
 * @default source 'tokenizer.json'
 * @returns The checked JSON (missing components set to null) and its vocabulary size.
 * @example
 * const { json, vocabularySize } = checkTokenizerJson(JSON.parse(text), 'my/tokenizer.json');
 */
export function checkTokenizerJson(
  value: unknown,
  source = 'tokenizer.json',
): CheckedTokenizerJson {
  const fail = (field: string, problem: string): never => {
    throw new Error(`${source}: field "${field}" ${problem}`);
  };
  if (!isObject(value)) {
    throw new Error(
      `${source}: expected a JSON object with a "model" field (a Hugging Face tokenizer.json), got ${describe(value)}.`,
    );
  }
  const model = value.model;
  if (!isObject(model))
    fail('model', `must be an object with "type" and "vocab", got ${describe(model)}.`);
  const modelObject = model as JsonObject;
  const vocab = modelObject.vocab;
  if (!isObject(vocab)) {
    fail(
      'model.vocab',
      `must be an object mapping token strings to integer ids, got ${describe(vocab)}.`,
    );
  }
  const vocabObject = vocab as JsonObject;
  const tokenOfId = new Map<number, string>();
  for (const [token, id] of Object.entries(vocabObject)) {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
      fail(
        `model.vocab[${JSON.stringify(token)}]`,
        `must be a non-negative integer id, got ${describe(id)}.`,
      );
    }
    const previous = tokenOfId.get(id as number);
    if (previous !== undefined) {
      fail(
        `model.vocab[${JSON.stringify(token)}]`,
        `reuses id ${id} of ${JSON.stringify(previous)}; ids must be unique.`,
      );
    }
    tokenOfId.set(id as number, token);
  }
  const inVocabulary = (token: string) => Object.hasOwn(vocabObject, token);

  let checkedModel: TokenizerJson['model'];
  if (modelObject.type === 'BPE') {
    const merges = modelObject.merges;
    if (!Array.isArray(merges))
      fail(
        'model.merges',
        `must be an array of merges ("a b" or ["a", "b"]), got ${describe(merges)}.`,
      );
    for (const [index, merge] of (merges as unknown[]).entries()) {
      const field = `model.merges[${index}]`;
      let parts: unknown[];
      if (typeof merge === 'string') {
        parts = merge.split(' ');
        if (parts.length !== 2)
          fail(field, `must be "left right" with exactly one space, got ${describe(merge)}.`);
      } else if (Array.isArray(merge) && merge.length === 2) {
        parts = merge;
      } else {
        parts = fail(
          field,
          `must be a "left right" string or a [left, right] pair, got ${describe(merge)}.`,
        );
      }
      for (const part of [...parts, parts.join('')]) {
        if (typeof part !== 'string' || part.length === 0 || !inVocabulary(part)) {
          fail(field, `names ${describe(part)}, which is not a token of model.vocab.`);
        }
      }
    }
    const unknownToken = modelObject.unk_token ?? null;
    if (
      unknownToken !== null &&
      (typeof unknownToken !== 'string' || !inVocabulary(unknownToken))
    ) {
      fail(
        'model.unk_token',
        `must be null or a token of model.vocab, got ${describe(unknownToken)}.`,
      );
    }
    const optionalString = (key: string): string | null => {
      const field = modelObject[key] ?? null;
      if (field !== null && typeof field !== 'string')
        fail(`model.${key}`, `must be a string or null, got ${describe(field)}.`);
      return field as string | null;
    };
    for (const key of ['fuse_unk', 'byte_fallback', 'ignore_merges']) {
      const flag = modelObject[key];
      if (flag !== undefined && typeof flag !== 'boolean')
        fail(`model.${key}`, `must be true or false, got ${describe(flag)}.`);
    }
    const dropout = modelObject.dropout ?? null;
    if (dropout !== null && typeof dropout !== 'number')
      fail('model.dropout', `must be a number or null, got ${describe(dropout)}.`);
    checkedModel = {
      type: 'BPE',
      dropout: dropout as number | null,
      unk_token: unknownToken as string | null,
      continuing_subword_prefix: optionalString('continuing_subword_prefix'),
      end_of_word_suffix: optionalString('end_of_word_suffix'),
      fuse_unk: modelObject.fuse_unk === true,
      byte_fallback: modelObject.byte_fallback === true,
      ignore_merges: modelObject.ignore_merges === true,
      vocab: vocabObject as Record<string, number>,
      merges: merges as (string | [string, string])[],
    };
  } else if (modelObject.type === 'WordPiece') {
    const unknownToken = modelObject.unk_token;
    if (typeof unknownToken !== 'string' || !inVocabulary(unknownToken)) {
      fail(
        'model.unk_token',
        `must name a token of model.vocab (WordPiece maps unseen words to it), got ${describe(unknownToken)}.`,
      );
    }
    const prefix = modelObject.continuing_subword_prefix ?? '##';
    if (typeof prefix !== 'string')
      fail(
        'model.continuing_subword_prefix',
        `must be a string such as "##", got ${describe(prefix)}.`,
      );
    const maximum = modelObject.max_input_chars_per_word ?? 100;
    if (typeof maximum !== 'number' || !Number.isSafeInteger(maximum) || maximum < 1) {
      fail(
        'model.max_input_chars_per_word',
        `must be a positive integer, got ${describe(maximum)}.`,
      );
    }
    checkedModel = {
      type: 'WordPiece',
      unk_token: unknownToken as string,
      continuing_subword_prefix: prefix as string,
      max_input_chars_per_word: maximum as number,
      vocab: vocabObject as Record<string, number>,
    };
  } else {
    return fail(
      'model.type',
      `must be "BPE" or "WordPiece" (the models selfsup reads), got ${describe(modelObject.type)}.`,
    );
  }

  const addedTokensValue = value.added_tokens ?? [];
  if (!Array.isArray(addedTokensValue))
    fail('added_tokens', `must be an array, got ${describe(addedTokensValue)}.`);
  const addedTokens = (addedTokensValue as unknown[]).map(
    (entry, index): TokenizerJsonAddedToken => {
      const field = `added_tokens[${index}]`;
      if (!isObject(entry))
        return fail(field, `must be an object with "id" and "content", got ${describe(entry)}.`);
      const { id, content } = entry;
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
        fail(`${field}.id`, `must be a non-negative integer, got ${describe(id)}.`);
      if (typeof content !== 'string' || content.length === 0)
        fail(`${field}.content`, `must be a non-empty string, got ${describe(content)}.`);
      const existing = tokenOfId.get(id as number);
      if (existing !== undefined && existing !== content) {
        fail(
          `${field}.id`,
          `is ${id}, already the id of ${JSON.stringify(existing)} in model.vocab.`,
        );
      }
      tokenOfId.set(id as number, content as string);
      const flag = (key: string, fallback: boolean): boolean => {
        const flagValue = entry[key] ?? fallback;
        if (typeof flagValue !== 'boolean')
          fail(`${field}.${key}`, `must be true or false, got ${describe(flagValue)}.`);
        return flagValue as boolean;
      };
      const special = flag('special', false);
      return {
        id: id as number,
        content: content as string,
        single_word: flag('single_word', false),
        lstrip: flag('lstrip', false),
        rstrip: flag('rstrip', false),
        normalized: flag('normalized', !special),
        special,
      };
    },
  );

  let vocabularySize = 0;
  for (const id of tokenOfId.keys()) vocabularySize = Math.max(vocabularySize, id + 1);
  if (tokenOfId.size !== vocabularySize) {
    let missing = 0;
    while (tokenOfId.has(missing)) missing += 1;
    fail(
      'model.vocab',
      `must give ids 0..${vocabularySize - 1} without gaps (with added_tokens), but id ${missing} has no token.`,
    );
  }
  if (vocabularySize === 0) fail('model.vocab', 'is empty; a tokenizer needs at least one token.');

  const component = (
    key: 'normalizer' | 'pre_tokenizer' | 'post_processor' | 'decoder',
  ): TokenizerJsonComponent => {
    const componentValue = value[key] ?? null;
    if (componentValue === null) return null;
    if (!isObject(componentValue) || typeof componentValue.type !== 'string') {
      return fail(
        key,
        `must be null or an object with a string "type", got ${describe(componentValue)}.`,
      );
    }
    return componentValue as TokenizerJsonComponent;
  };
  const version = value.version ?? '1.0';
  if (typeof version !== 'string')
    fail('version', `must be a string such as "1.0", got ${describe(version)}.`);
  return {
    json: {
      version: version as string,
      truncation: value.truncation ?? null,
      padding: value.padding ?? null,
      added_tokens: addedTokens,
      normalizer: component('normalizer'),
      pre_tokenizer: component('pre_tokenizer'),
      post_processor: component('post_processor'),
      decoder: component('decoder'),
      model: checkedModel,
    },
    vocabularySize,
  };
}
