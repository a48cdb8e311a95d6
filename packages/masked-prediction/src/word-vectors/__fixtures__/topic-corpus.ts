import { SeededRandom } from '@selfsup/core';

/** A synthetic corpus whose words cluster by topic: what word vectors should recover. */
export type TopicCorpus = {
  /** The word of each id: `<unk>`, two function words, then `topics × wordsPerTopic` topic words. */
  readonly words: readonly string[];
  /** Sentences of ids; each sentence mixes function words with words of one topic. */
  readonly sentences: Int32Array[];
  /** The topic of each id (−1 for `<unk>` and function words). */
  readonly topicOf: Int32Array;
};

/**
 * Makes sentences that each draw their content words from one topic (30% function words), so
 * words of a topic share contexts and words of different topics do not.
 */
export function createTopicCorpus(
  options: {
    sentences?: number;
    length?: number;
    topics?: number;
    wordsPerTopic?: number;
    seed?: number;
  } = {},
): TopicCorpus {
  const { sentences = 150, length = 30, topics = 3, wordsPerTopic = 8, seed = 0 } = options;
  const words = ['<unk>', 'the', 'of'];
  const topicOf = [-1, -1, -1];
  for (let topic = 0; topic < topics; topic++) {
    for (let index = 0; index < wordsPerTopic; index++) {
      words.push(`${String.fromCharCode(97 + topic)}${index}`);
      topicOf.push(topic);
    }
  }
  const random = new SeededRandom(seed);
  const result: Int32Array[] = [];
  for (let sentence = 0; sentence < sentences; sentence++) {
    const topic = random.nextInt(topics);
    const ids = new Int32Array(length);
    for (let position = 0; position < length; position++) {
      ids[position] =
        random.nextFloat() < 0.3
          ? 1 + random.nextInt(2)
          : 3 + topic * wordsPerTopic + random.nextInt(wordsPerTopic);
    }
    result.push(ids);
  }
  return { words, sentences: result, topicOf: Int32Array.from(topicOf) };
}

/** Mean cosine of pairs of topic words in the same topic and in different topics. */
export function topicCosines(
  similarity: (first: string, second: string) => number,
  corpus: TopicCorpus,
): { within: number; across: number } {
  let within = 0;
  let withinCount = 0;
  let across = 0;
  let acrossCount = 0;
  for (let a = 0; a < corpus.words.length; a++) {
    for (let b = a + 1; b < corpus.words.length; b++) {
      const topicA = corpus.topicOf[a]!;
      const topicB = corpus.topicOf[b]!;
      if (topicA < 0 || topicB < 0) continue;
      const cosine = similarity(corpus.words[a]!, corpus.words[b]!);
      if (topicA === topicB) {
        within += cosine;
        withinCount++;
      } else {
        across += cosine;
        acrossCount++;
      }
    }
  }
  return { within: within / withinCount, across: across / acrossCount };
}
