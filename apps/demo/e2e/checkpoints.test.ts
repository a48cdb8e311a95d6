/**
 * The checkpoints trained by the CLI (`scripts/make-demo-checkpoints.mjs`, committed under
 * `public/models/`) in Chromium: the Autoregressive page streams GPT text, draws a PixelCNN digit
 * pixel by pixel and plays WaveNet audio; the GPT checkpoint predicts in the browser exactly as
 * it does in Node (the same next-token logits from the same files, on wasm and on webgl); and the
 * BERT checkpoint fills in a [MASK] on the Masked prediction page as `fillMask` does in Node.
 */
import { fileURLToPath } from 'node:url';
import { createGpt, uncachedLogits } from '@selfsup/autoregressive';
import { initBackend, loadEncoder, type TransformerEncoder } from '@selfsup/core';
import { loadTokenizer } from '@selfsup/data';
import { fillMask, loadBert } from '@selfsup/masked-prediction';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type DemoBrowser,
  launchDemoBrowser,
  openWatchedPage,
  saveScreenshot,
  seriousAccessibilityViolations,
} from './demo-browser';

const modelsDirectory = fileURLToPath(new URL('../public/models/', import.meta.url));

/** The next-token logits of the committed GPT checkpoint after `text`, computed in Node (wasm). */
async function nodeLogits(text: string): Promise<{ ids: number[]; logits: number[] }> {
  const folder = `${modelsDirectory}gpt-names`;
  const tokenizer = loadTokenizer(`${folder}/tokenizer.json`);
  const gpt = createGpt({ encoder: (await loadEncoder(folder)) as TransformerEncoder });
  const source = uncachedLogits(gpt);
  try {
    const ids = [...tokenizer.encode(text)];
    return { ids, logits: [...source.next(ids)] };
  } finally {
    source.dispose();
    gpt.dispose();
  }
}

const largestDifference = (a: readonly number[], b: readonly number[]) =>
  a.reduce((largest, value, index) => Math.max(largest, Math.abs(value - (b[index] ?? NaN))), 0);

describe('checkpoints trained by the CLI, in Chromium', () => {
  const baseUrl = inject('demoUrl');
  let browser: DemoBrowser;
  let expected: { ids: number[]; logits: number[] };

  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    expected = await nodeLogits('\nemm');
    browser = await launchDemoBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  // ≈ 15 s on an idle machine; 100 s when two training runs share the 2 cores.
  it('streams GPT text, draws a PixelCNN digit and generates WaveNet audio on wasm', {
    timeout: 480_000,
  }, async () => {
    const { page, errors } = await openWatchedPage(browser.context);
    await page.goto(`${baseUrl}autoregressive.html?backend=wasm&tokens=60&seconds=0.1`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    expect(await page.textContent('#backend-status')).toMatch(/^wasm/);

    // GPT: set the controls with the keyboard-reachable inputs, then stream.
    await page.fill('#prompt', 'ma');
    await page.fill('#top-k', '10');
    let started = Date.now();
    await page.click('#generate-button');
    await page.waitForSelector('#gpt[data-state="done"], #gpt[data-state="error"]', {
      timeout: 120_000,
    });
    expect(await page.textContent('#generate-status')).toMatch(/^Done/);
    const text = (await page.textContent('#generated-text')) ?? '';
    console.info(
      `GPT on wasm: 60 characters in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(text)}`,
    );
    expect(await page.getAttribute('#gpt', 'data-tokens')).toBe('60');
    expect(text.startsWith('ma')).toBe(true);
    expect(text.length).toBeGreaterThan(2);
    // Names of letters, one per line: the model learned the alphabet of its data.
    expect(text).toMatch(/^[a-z\n'-]+$/);
    expect(await page.getAttribute('#generated-text', 'aria-live')).toBe('polite');

    // PixelCNN: a whole 28 × 28 digit, drawn pixel by pixel.
    await page.selectOption('#pixel-class', '1');
    started = Date.now();
    await page.click('#draw-button');
    await page.waitForSelector('#pixelcnn[data-state="done"], #pixelcnn[data-state="error"]', {
      timeout: 300_000,
    });
    expect(await page.getAttribute('#pixelcnn', 'data-pixels')).toBe('784');
    const white = Number(await page.getAttribute('#pixelcnn', 'data-white'));
    console.info(
      `PixelCNN on wasm: 784 pixels in ${((Date.now() - started) / 1000).toFixed(1)} s, ${white} white`,
    );
    // A digit: some strokes, mostly background (MNIST averages ≈ 100 of 784 white pixels).
    expect(white).toBeGreaterThan(10);
    expect(white).toBeLessThan(400);

    // WaveNet: 0.1 s of audio as a WAV in an <audio controls> element.
    started = Date.now();
    await page.click('#audio-button');
    await page.waitForSelector('#wavenet[data-state="done"], #wavenet[data-state="error"]', {
      timeout: 120_000,
    });
    console.info(
      `WaveNet on wasm: ${await page.getAttribute('#wavenet', 'data-samples')} samples in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(await page.getAttribute('#wavenet', 'data-samples')).toBe('800');
    // 44-byte header + 2 bytes per sample.
    expect(await page.getAttribute('#wavenet', 'data-wav-bytes')).toBe(String(44 + 2 * 800));
    expect(await page.getAttribute('#wavenet-audio', 'src')).toMatch(/^blob:/);
    const duration = await page.evaluate(async () => {
      const audio = document.querySelector('#wavenet-audio') as HTMLAudioElement;
      if (Number.isNaN(audio.duration) || audio.readyState < 1)
        await new Promise((resolve) => audio.addEventListener('loadedmetadata', resolve));
      return audio.duration;
    });
    expect(duration).toBeCloseTo(0.1, 2);

    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'autoregressive-generated-wasm');
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each([
    // Same wasm kernels as Node: equal up to float rounding.
    ['wasm', 1e-4],
    // WebGL (SwiftShader) runs the same float32 math as GLSL shaders with another summation
    // order and its own exp/tanh, so allow a little more.
    ['webgl', 1e-3],
  ] as const)(
    'the GPT checkpoint gives the same logits in the browser (%s) as in Node',
    async (backend, tolerance) => {
      const { page, errors } = await openWatchedPage(browser.context);
      await page.goto(`${baseUrl}autoregressive.html?backend=${backend}`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 90_000 });
      expect(await page.textContent('#backend-status')).toMatch(new RegExp(`^${backend}`));
      await page.fill('#logits-text', 'emm');
      await page.click('#logits-button');
      // Software WebGL compiles every shader on first use: slow on a busy 2-core machine.
      await page.waitForSelector('#logits-result[data-logits]', { timeout: 90_000 });
      const browserIds = JSON.parse((await page.getAttribute('#logits-result', 'data-ids')) ?? '');
      const browserLogits = JSON.parse(
        (await page.getAttribute('#logits-result', 'data-logits')) ?? '',
      ) as number[];
      expect(browserIds).toEqual(expected.ids);
      expect(browserLogits).toHaveLength(expected.logits.length);
      const difference = largestDifference(browserLogits, expected.logits);
      console.info(
        `GPT logits, browser ${backend} vs Node wasm: ${expected.logits.length} logits, largest difference ${difference.toExponential(2)}`,
      );
      expect(difference).toBeLessThan(tolerance);
      // Not a degenerate check: the logits differ between tokens.
      expect(Math.max(...expected.logits) - Math.min(...expected.logits)).toBeGreaterThan(1);
      expect(await page.locator('#next-characters li').count()).toBe(5);
      await saveScreenshot(page, `autoregressive-logits-${backend}`);
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  it('fills in a [MASK] with the BERT checkpoint as in Node (wasm)', async () => {
    const sentence = 'we must [MASK] the people of this nation';
    const folder = `${modelsDirectory}bert-sotu`;
    const bert = await loadBert(folder);
    let inNode: ReturnType<typeof fillMask>;
    try {
      inNode = fillMask(bert, loadTokenizer(`${folder}/tokenizer.json`), sentence, { topK: 5 });
    } finally {
      bert.dispose();
    }
    const { page, errors } = await openWatchedPage(browser.context);
    await page.goto(`${baseUrl}masked-prediction.html?backend=wasm`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    await page.fill('#mask-sentence', sentence);
    await page.locator('#mask-sentence').press('Enter');
    await page.waitForFunction(
      (text) => (document.querySelector('#fill-mask-results') as HTMLElement).dataset.text === text,
      sentence,
    );
    const inBrowser = JSON.parse(
      (await page.getAttribute('#fill-mask-results', 'data-candidates')) ?? '',
    ) as typeof inNode;
    console.info(
      `BERT fill-mask "${sentence}": ${inBrowser[0]?.map((candidate) => `${candidate.token} ${candidate.probability.toFixed(3)}`).join(', ')}`,
    );
    expect(inBrowser).toHaveLength(1);
    expect(inBrowser[0]?.map((candidate) => candidate.token)).toEqual(
      inNode[0]?.map((candidate) => candidate.token),
    );
    inBrowser[0]?.forEach((candidate, index) => {
      expect(candidate.probability).toBeCloseTo(inNode[0]?.[index]?.probability ?? NaN, 4);
    });
    expect(await page.locator('#fill-mask-results li').count()).toBe(5);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'masked-prediction-fill-mask-wasm');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('retrieves digits for a typed prompt with the CLIP checkpoint (wasm)', async () => {
    const { page, errors } = await openWatchedPage(browser.context);
    await page.goto(`${baseUrl}contrastive.html?backend=wasm`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    const found: Record<string, number[]> = {};
    for (const [digit, prompt] of [
      [6, 'a photo of the number six'],
      [1, 'a picture of a 1'],
      [3, 'an image of a three'],
    ] as const) {
      await page.fill('#clip-prompt', prompt);
      await page.locator('#clip-prompt').press('Enter');
      // The first search loads the checkpoint and embeds the 512 digits.
      await page.waitForFunction(
        (text) => (document.querySelector('#clip-results') as HTMLElement).dataset.prompt === text,
        prompt,
        { timeout: 90_000 },
      );
      expect(await page.locator('#clip-results canvas').count()).toBe(8);
      const labels = JSON.parse(
        (await page.getAttribute('#clip-results', 'data-labels')) ?? '',
      ) as number[];
      found[prompt] = labels;
      // Chance is 8 × 1/10; a CLIP that learned the captions retrieves mostly the right digit.
      expect(labels.filter((label) => label === digit).length).toBeGreaterThanOrEqual(4);
    }
    console.info(`CLIP zero-shot retrieval (labels of the top 8): ${JSON.stringify(found)}`);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'contrastive-clip-wasm');
    expect(errors).toEqual([]);
    await page.close();
  });
});
