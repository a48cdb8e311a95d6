import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Where Chromium is; `SELFSUP_CHROMIUM` overrides. */
export const chromiumPath = process.env.SELFSUP_CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots go (git-ignored; CI uploads it as an artifact). */
export const artifactsDirectory = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

/** A started Chromium and the directory of its throwaway profile. */
export type DemoBrowser = {
  readonly context: BrowserContext;
  readonly close: () => Promise<void>;
};

/**
 * Starts Debian's Chromium headless through playwright-core (no browser download), with the
 * flags of docs/toolchain.md; WebGL still works there through software rendering.
 *
 * @returns The browser context and a function that closes it and deletes its profile.
 * @throws An Error saying how to install Chromium when it is missing (the tests never skip).
 */
export async function launchDemoBrowser(): Promise<DemoBrowser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is missing at ${chromiumPath}: install it with \`apt-get install -y chromium\` (or point SELFSUP_CHROMIUM at a Chromium binary). These tests are never skipped.`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'selfsup-demo-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A page whose console errors and uncaught exceptions are collected. */
export type WatchedPage = { readonly page: Page; readonly errors: string[] };

/**
 * Opens a new tab that records every console error and uncaught exception.
 *
 * @param context The browser.
 * @returns The tab and the (live) list of errors.
 */
export async function openWatchedPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  // Playwright's 30 s defaults are tight for a page that compiles wasm and loads a checkpoint on
  // a 2-core machine other jobs share (measured: 35–45 s to the load event under such load); a
  // failure then says which step was slow instead of timing out at navigation.
  page.setDefaultNavigationTimeout(120_000);
  page.setDefaultTimeout(90_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error')
      errors.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  return { page, errors };
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** One accessibility violation found by axe-core. */
export type AccessibilityViolation = {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
};

/**
 * Runs axe-core (WCAG 2 A and AA rules: contrast, names, keyboard, landmarks) on the page.
 *
 * @param page A loaded page.
 * @returns Its violations of serious or critical impact.
 */
export async function seriousAccessibilityViolations(
  page: Page,
): Promise<AccessibilityViolation[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run: (...args: unknown[]) => Promise<unknown> } }
    ).axe;
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    })) as {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: unknown[] }[];
      }[];
    };
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => JSON.stringify(node.target)),
    }));
  });
  return violations.filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  );
}

/**
 * Saves a full-page screenshot under `test-artifacts/`.
 *
 * @param page The page.
 * @param name The file name without extension.
 * @returns The path written.
 */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDirectory, { recursive: true });
  const path = join(artifactsDirectory, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
