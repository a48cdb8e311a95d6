import { UsageError } from '../commands/parse-flags';

/** The text datasets the text methods train on. */
export const textDatasets = ['sotu', 'moby-dick', 'names', 'spam-assassin'] as const;

/**
 * The training documents of a text dataset: SOTU's addresses, Moby Dick's training split cut
 * into paragraphs (blank lines), the names, or SpamAssassin's e-mail bodies of its training split
 * without labels (`pretrainingBodies()`: no test body, so `selfsup compare` tests on unseen mail);
 * optionally only the first `limit` documents.
 *
 * @param data the `--data` value.
 * @param limit `--limit`: the first N documents.
 * @param methodName the method, for error messages.
 * @returns the documents, in corpus order.
 * @throws UsageError for a dataset that is not text.
 * @example const texts = await loadTextDocuments('sotu', 3, 'word2vec');
 */
export async function loadTextDocuments(
  data: string,
  limit: number | undefined,
  methodName: string,
): Promise<string[]> {
  const library = await import('@selfsup/data');
  let documents: string[];
  if (data === 'sotu') {
    documents = library.loadSotu().addresses.map((address) => address.text);
  } else if (data === 'moby-dick') {
    documents = library
      .loadMobyDick()
      .train.split(/\n\s*\n/)
      .map((paragraph) => paragraph.trim())
      .filter((paragraph) => paragraph !== '');
  } else if (data === 'names') {
    documents = [...library.loadNames().names];
  } else if (data === 'spam-assassin') {
    documents = library.loadSpamAssassin().pretrainingBodies();
  } else {
    throw new UsageError(
      `--data ${data}: ${methodName} trains on text: use ${textDatasets.join(', ')}.`,
    );
  }
  return limit === undefined ? documents : documents.slice(0, limit);
}
