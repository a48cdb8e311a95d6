/**
 * The demo site end to end in Debian's Chromium (playwright-core): every page loads without
 * console errors and passes an axe-core scan, SimCLR trains live with a falling loss on wasm,
 * and the webgl backend (software rendering) runs the same training. Screenshots of each page
 * go to test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { paradigmGridReport } from '../src/overview/paradigm-grid-report';
import { gridLines } from '../src/overview/paradigm-grid-results';
import {
  type DemoBrowser,
  launchDemoBrowser,
  openWatchedPage,
  saveScreenshot,
  seriousAccessibilityViolations,
} from './demo-browser';

const pages = [
  'index.html',
  'contrastive.html',
  'masked-prediction.html',
  'autoregressive.html',
  'finetune.html',
] as const;

const mean = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

describe('the demo site in Chromium', () => {
  const baseUrl = inject('demoUrl');
  let browser: DemoBrowser;

  beforeAll(async () => {
    browser = await launchDemoBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it.each(pages)(
    '%s loads on wasm with no console errors and no serious accessibility violations',
    async (file) => {
      const { page, errors } = await openWatchedPage(browser.context);
      await page.goto(`${baseUrl}${file}?backend=wasm`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
      expect(await page.textContent('#backend-status')).toMatch(/^wasm/);
      expect(await page.locator('main h1').count()).toBe(1);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await saveScreenshot(page, `${file.replace('.html', '')}-wasm`);
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  it('reaches the quadrant and the live demo links with the keyboard', async () => {
    const { page, errors } = await openWatchedPage(browser.context);
    await page.goto(`${baseUrl}index.html?backend=wasm`);
    await page.waitForSelector('body[data-ready="true"]');
    const focused: string[] = [];
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Tab');
      focused.push(await page.evaluate(() => document.activeElement?.textContent ?? ''));
    }
    expect(focused).toContain('Unsupervised');
    await page.locator('button[data-paradigm="unsupervised"]').focus();
    await page.keyboard.press('Enter');
    expect(await page.textContent('#paradigm-detail h3')).toBe('Unsupervised');
    expect(await page.getAttribute('button[data-paradigm="unsupervised"]', 'aria-pressed')).toBe(
      'true',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the paradigm grid results: per dataset a chart and a table row per line', async () => {
    const { page, errors } = await openWatchedPage(browser.context);
    await page.goto(`${baseUrl}index.html?backend=wasm`);
    await page.waitForSelector('body[data-ready="true"]');
    const section = page.getByRole('region', { name: 'Does self-supervision earn its place?' });
    expect(await section.count()).toBe(1);
    expect(await section.locator('#grid-smoke').count()).toBe(paradigmGridReport.smoke ? 1 : 0);
    for (const dataset of paradigmGridReport.datasets) {
      const part = section.locator(`section[data-dataset="${dataset.name}"]`);
      expect(await part.locator('.grid-chart svg[role="img"]').count()).toBe(1);
      expect(await part.locator('table.grid-table tbody tr').count()).toBe(
        gridLines(dataset).length,
      );
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('trains SimCLR live on wasm: the loss falls and the projection is drawn', async () => {
    const { page, errors } = await openWatchedPage(browser.context);
    await page.goto(`${baseUrl}contrastive.html?backend=wasm&steps=40`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    const started = Date.now();
    await page.click('#train-button');
    await page.waitForSelector('#training[data-state="done"], #training[data-state="error"]', {
      timeout: 200_000,
    });
    const seconds = (Date.now() - started) / 1000;
    expect(await page.getAttribute('#training', 'data-state')).toBe('done');
    const losses = (await page.locator('#loss-log li').allTextContents()).map(Number);
    expect(losses).toHaveLength(40);
    expect(losses.every(Number.isFinite)).toBe(true);
    console.info(
      `SimCLR live on wasm: 40 steps in ${seconds.toFixed(1)} s, loss ${mean(losses.slice(0, 5)).toFixed(3)} (first 5) → ${mean(losses.slice(-10)).toFixed(3)} (last 10)`,
    );
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 5)) - 0.1);
    expect(await page.locator('#loss-chart svg').count()).toBe(1);
    expect(await page.locator('#projection-chart svg').count()).toBe(1);
    expect(await page.textContent('#projection-chart svg')).toContain('after 40 steps');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'contrastive-trained-wasm');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows MAE reconstructions for the chosen mask ratio and trains the MAE live on wasm', async () => {
    const { page, errors } = await openWatchedPage(browser.context);
    await page.goto(`${baseUrl}masked-prediction.html?backend=wasm&steps=30`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    expect(await page.getAttribute('#reconstructions', 'data-hidden-patches')).toBe('12');
    expect(await page.locator('#reconstructions canvas').count()).toBe(18);
    await page.locator('#mask-ratio').focus();
    await page.keyboard.press('Home');
    await page.waitForSelector('#reconstructions[data-hidden-patches="4"]');
    expect(await page.textContent('#mask-ratio-value')).toBe('25%');
    await page.keyboard.press('End');
    await page.waitForSelector('#reconstructions[data-hidden-patches="15"]');
    const started = Date.now();
    await page.click('#train-button');
    await page.waitForSelector('#training[data-state="done"], #training[data-state="error"]', {
      timeout: 200_000,
    });
    expect(await page.getAttribute('#training', 'data-state')).toBe('done');
    const losses = (await page.locator('#loss-log li').allTextContents()).map(Number);
    console.info(
      `MAE live on wasm: 30 steps in ${((Date.now() - started) / 1000).toFixed(1)} s, loss ${mean(losses.slice(0, 5)).toFixed(3)} (first 5) → ${mean(losses.slice(-10)).toFixed(3)} (last 10)`,
    );
    expect(losses).toHaveLength(30);
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 5)));
    expect(await page.getAttribute('#reconstructions', 'data-trained-steps')).toBe('30');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'masked-prediction-trained-wasm');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('compares pretrained and scratch encoders across label budgets on wasm', async () => {
    const { page, errors } = await openWatchedPage(browser.context);
    await page.goto(`${baseUrl}finetune.html?backend=wasm&steps=30&budgets=10,50`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    const started = Date.now();
    await page.click('#run-button');
    await page.waitForSelector('#study[data-state="done"], #study[data-state="error"]', {
      timeout: 110_000,
    });
    expect(await page.textContent('#run-status')).toBe('Done.');
    const rows = await page
      .locator('#label-efficiency-rows tr')
      .evaluateAll((lines) =>
        lines.map((line) => ({ ...(line as HTMLElement).dataset }) as Record<string, string>),
      );
    console.info(
      `label efficiency on wasm in ${((Date.now() - started) / 1000).toFixed(1)} s: ${rows.map((row) => `${row.runner} (${row.mode})@${row.labels} ${Number(row.accuracy).toFixed(3)}`).join(', ')}`,
    );
    expect(rows).toHaveLength(6);
    // Chance is 10%; 50 labels teach both encoders well above it.
    for (const row of rows.filter((line) => line.labels === '50'))
      expect(Number(row.accuracy)).toBeGreaterThan(0.2);
    expect(await page.locator('#label-efficiency-chart svg').count()).toBe(1);
    expect(await page.textContent('#pretrain-chart svg')).toContain('SimCLR pretraining');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'finetune-wasm');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs the same training on webgl (software rendering)', async () => {
    const { page, errors } = await openWatchedPage(browser.context);
    await page.goto(`${baseUrl}contrastive.html?backend=webgl&steps=3`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    expect(await page.textContent('#backend-status')).toBe('webgl');
    await page.click('#train-button');
    await page.waitForSelector('#training[data-state="done"], #training[data-state="error"]', {
      timeout: 200_000,
    });
    expect(await page.textContent('#train-status')).toMatch(/^Done/);
    const losses = (await page.locator('#loss-log li').allTextContents()).map(Number);
    expect(losses).toHaveLength(3);
    expect(losses.every(Number.isFinite)).toBe(true);
    await saveScreenshot(page, 'contrastive-trained-webgl');
    expect(errors).toEqual([]);
    await page.close();
  });
});
