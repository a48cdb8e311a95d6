/**
 * The page of the browser parity test: it loads datasets and tokenizers through
 * `@selfsup/data/browser` (the source entry, bundled by esbuild) and returns what the Node side
 * compares with its own loaders.
 */
import {
  createBrowserDatasets,
  describeImageDataset,
  fetchTokenizer,
  movingMnistExample,
  shapesExample,
  syntheticAudioExample,
  tokenizerFromText,
} from '../../src/browser/index';
import { fnv1a } from './checksum';

/** What the test asks the page to do. */
export type ParityRequest = {
  /** The static export's root, relative to the page. */
  readonly datasetsUrl: string;
  /** Tokenizer files by name, relative to the page. */
  readonly tokenizerUrls: Readonly<Record<string, string>>;
  /** The texts to encode. */
  readonly texts: readonly string[];
};

/** What the page reports. */
export type ParityResult = {
  readonly mnist: {
    readonly description: unknown;
    readonly images: string;
    readonly labels: string;
    readonly height: number;
    readonly width: number;
    readonly channels: number;
  };
  readonly names: { readonly description: unknown; readonly names: string };
  readonly mobyDick: { readonly description: unknown; readonly text: string };
  readonly tokenizers: Readonly<
    Record<
      string,
      { readonly ids: number[][]; readonly decoded: string[]; readonly fromText: number[][] }
    >
  >;
  readonly synthetic: {
    readonly shapes: string;
    readonly movingMnist: string;
    readonly audio: readonly number[];
    readonly audioLabel: number;
  };
  readonly milliseconds: Readonly<Record<string, number>>;
};

async function runParity(request: ParityRequest): Promise<ParityResult> {
  const milliseconds: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
    const start = performance.now();
    const result = await work();
    milliseconds[name] = Math.round(performance.now() - start);
    return result;
  };
  const datasets = createBrowserDatasets(request.datasetsUrl);
  const mnist = await timed('mnist-test', () => datasets.mnist('test'));
  const names = await timed('names', () => datasets.names());
  const mobyDick = await timed('moby-dick', () => datasets.mobyDick());
  const tokenizers: Record<string, { ids: number[][]; decoded: string[]; fromText: number[][] }> =
    {};
  for (const [name, url] of Object.entries(request.tokenizerUrls)) {
    const tokenizer = await timed(`tokenizer-${name}`, () => fetchTokenizer(url));
    const ids = request.texts.map((text) => tokenizer.encode(text));
    const again = tokenizerFromText(await (await fetch(url)).text(), url);
    tokenizers[name] = {
      ids,
      decoded: ids.map((sequence) => tokenizer.decode(sequence)),
      fromText: request.texts.map((text) => again.encode(text)),
    };
  }
  const shapes = shapesExample(7, { size: 32 });
  const moving = movingMnistExample(11, { dataset: mnist, size: 32, frames: 4, digits: 2 });
  const audio = syntheticAudioExample(5, { sampleRate: 8000, duration: 0.5 });
  return {
    mnist: {
      description: describeImageDataset(mnist),
      images: fnv1a(mnist.images),
      labels: fnv1a(mnist.labels),
      height: mnist.height,
      width: mnist.width,
      channels: mnist.channels,
    },
    names: { description: names.describe(), names: names.names.join('\n') },
    mobyDick: {
      description: mobyDick.describe(),
      text: fnv1a(new TextEncoder().encode(mobyDick.text)),
    },
    tokenizers,
    synthetic: {
      shapes: `${fnv1a(shapes.image)}:${shapes.label}:${shapes.caption}`,
      movingMnist: `${fnv1a(moving.frames)}:${Array.from(moving.labels).join(',')}:${fnv1a(moving.boxes)}`,
      audio: Array.from(audio.samples),
      audioLabel: audio.label,
    },
    milliseconds,
  };
}

(globalThis as unknown as { runParity: typeof runParity }).runParity = runParity;
