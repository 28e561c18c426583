/// <reference lib="dom" />
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type TestUser } from '../support/app-stack';
import { repoRoot } from '../support/env';

export const webRoot = resolve(repoRoot, 'dist/apps/web/browser');
export const artifacts = resolve(repoRoot, 'test-artifacts');

/** Builds the production web app once when no build is there. */
export function ensureWebBuild(): void {
  if (existsSync(resolve(webRoot, 'index.html'))) return;
  const r = spawnSync(resolve(repoRoot, 'node_modules/.bin/ng'), ['build', 'web'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
  });
  if (r.status !== 0) throw new Error('ng build web failed');
}

/** Debian's Chromium, headless, with a context that records every EventSource the page opens. */
export async function launchBrowser(): Promise<{ browser: Browser; context: BrowserContext }> {
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(() => {
    const Native = window.EventSource;
    const w = window as unknown as { __eventSources: string[] };
    w.__eventSources = [];
    window.EventSource = class extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        w.__eventSources.push(String(url));
      }
    };
  });
  return { browser, context };
}

export async function login(page: Page, user: TestUser): Promise<void> {
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Share of the canvas's pixels that something was drawn on. */
export async function canvasInk(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (el) => {
    const canvas = el as HTMLCanvasElement;
    const ctx = canvas.getContext('2d');
    if (!ctx || canvas.width === 0 || canvas.height === 0) return 0;
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) inked++;
    return inked / (canvas.width * canvas.height);
  });
}

/**
 * Share of a chart's area that something was drawn on, over all its canvas layers (ECharts may
 * draw a series on a layer of its own).
 */
export async function chartInk(page: Page, host: string): Promise<number> {
  return page.$$eval(`${host} canvas`, (els) => {
    const canvases = els as HTMLCanvasElement[];
    const first = canvases[0];
    if (!first || first.width === 0 || first.height === 0) return 0;
    const inked = new Uint8Array(first.width * first.height);
    for (const c of canvases) {
      if (c.width !== first.width || c.height !== first.height) continue;
      const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
      if (!data) continue;
      for (let i = 3, p = 0; i < data.length; i += 4, p++) if ((data[i] as number) > 0) inked[p] = 1;
    }
    let n = 0;
    for (const v of inked) n += v;
    return n / inked.length;
  });
}

/** Waits until a chart has something drawn on it, and returns how much. */
export async function waitForInk(page: Page, host: string, min = 0.01, timeoutMs = 30_000): Promise<number> {
  await page.waitForSelector(`${host} canvas`, { timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  let ink = 0;
  while (Date.now() < deadline) {
    ink = await chartInk(page, host);
    if (ink >= min) return ink;
    await page.waitForTimeout(200);
  }
  return ink;
}
