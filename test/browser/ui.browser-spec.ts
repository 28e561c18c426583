/// <reference lib="dom" />
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BacktestRequest, type JobDto } from '@gauntlet/contracts';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { ApiClient, AppStack, USERS, type TestUser, waitForJob } from '../support/app-stack';
import { repoRoot } from '../support/env';
import { startWebServer } from './static-server';

/**
 * The research UI end to end: Debian's Chromium drives the production web build, served with
 * `/api` passed through to a private AppStack (built API and worker, real PostgreSQL, Redis and
 * Temporal). A year of one-minute bars is seeded once: the form runs a short backtest on part of
 * it, and the report timing uses a backtest over all of it.
 */
const webRoot = resolve(repoRoot, 'dist/apps/web/browser');
const artifacts = resolve(repoRoot, 'test-artifacts');
const YEAR = { start: Date.UTC(2023, 0, 1), end: Date.UTC(2024, 0, 1) };

function ensureWebBuild(): void {
  if (existsSync(resolve(webRoot, 'index.html'))) return;
  const r = spawnSync(resolve(repoRoot, 'node_modules/.bin/ng'), ['build', 'web'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
  });
  if (r.status !== 0) throw new Error('ng build web failed');
}

/** Gzipped size of what index.html loads before any lazy route: its scripts and module preloads. */
function initialJsGzipBytes(): { files: string[]; raw: number; gzip: number } {
  const html = readFileSync(resolve(webRoot, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
  ].map((m) => m[1] as string);
  let raw = 0;
  let gzip = 0;
  for (const f of new Set(files)) {
    const bytes = readFileSync(resolve(webRoot, f));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files, raw, gzip };
}

async function login(page: Page, user: TestUser): Promise<void> {
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Share of the canvas's pixels that something was drawn on. */
async function canvasInk(page: Page, selector: string): Promise<number> {
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

describe('research UI in a browser', () => {
  const stack = new AppStack();
  let web: { url: string; close(): Promise<void> };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let jobId = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(artifacts, { recursive: true });
    await stack.setup({ demoBars: YEAR });
    web = await startWebServer(webRoot, stack.apiUrl);
    browser = await chromium.launch({
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    // Counts the event streams the page opens, to show progress arrives by SSE and not by reload.
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
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  }, 600_000);

  afterAll(async () => {
    writeFileSync(resolve(artifacts, 'browser-stack.log'), stack.logs.join(''));
    await browser?.close();
    await web?.close();
    await stack.teardown();
  });

  it('sends an unauthenticated visitor to the login page and back to where they were going', async () => {
    await page.goto(`${web.url}/jobs`);
    await page.waitForURL(/\/login\?returnUrl=%2Fjobs/);
    await login(page, USERS.alice);
    await page.waitForURL(/\/jobs$/);
    await expectText(page, '[data-testid=current-user]', USERS.alice.email);
    await page.waitForSelector('[data-testid=jobs-empty]');
    // The header reports the services behind the API.
    await page.waitForSelector('[data-service=postgres][data-status=up]');
    await page.waitForSelector('[data-service=redis][data-status=up]');
  });

  it('shows the API validation errors beside the form fields', async () => {
    await page.getByRole('link', { name: 'New backtest' }).first().click();
    await page.waitForSelector('[data-testid=backtest-form]');
    await page.selectOption('[data-testid=strategy]', 'sma-crossover');
    await page.selectOption('[data-testid=instrument]', 'demo:BTCUSDT');
    // Dates are limited to the stored bars.
    expect(await page.getAttribute('[data-testid=from]', 'min')).toBe('2023-01-01');
    expect(await page.getAttribute('[data-testid=to]', 'max')).toBe('2024-01-01');
    await page.fill('[data-param=fast] input', '50');
    await page.fill('[data-param=slow] input', '30');
    await page.fill('[data-testid=initial-cash]', '0');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const cashError = page.locator('label:has([data-testid=initial-cash]) [data-testid=field-error]');
    await cashError.waitFor();
    expect(await cashError.textContent()).toMatch(/at least 1/);
    expect(page.url()).toMatch(/\/backtests\/new$/);
  });

  it('starts a backtest from the form and watches it reach 100% on the jobs page without reloading', async () => {
    await page.fill('[data-param=fast] input', '10');
    await page.fill('[data-param=slow] input', '30');
    await page.fill('[data-testid=initial-cash]', '10000');
    await page.selectOption('[data-testid=timeframe]', '15m');
    await page.fill('[data-testid=from]', '2023-09-01');
    await page.fill('[data-testid=to]', '2023-12-01');
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await page.waitForURL(/\/jobs$/);
    const row = page.locator('tr[data-job-id]').first();
    await row.waitFor();
    jobId = (await row.getAttribute('data-job-id')) ?? '';
    expect(jobId).not.toBe('');
    const bar = row.locator('[data-testid=job-progress]');
    await page.waitForFunction(
      (id) =>
        document
          .querySelector(`tr[data-job-id="${id}"] [data-testid=job-progress]`)
          ?.getAttribute('aria-valuenow') === '100',
      jobId,
      { timeout: 120_000, polling: 100 },
    );
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    await page.locator(`tr[data-job-id="${jobId}"][data-status=completed]`).waitFor();
    const state = await page.evaluate(() => {
      const w = window as unknown as { __sameDocument?: boolean; __eventSources: string[] };
      return { sameDocument: w.__sameDocument === true, streams: w.__eventSources };
    });
    expect(state.sameDocument).toBe(true);
    expect(state.streams.some((u) => u.includes(`/api/jobs/${jobId}/events?access_token=`))).toBe(true);
    await page.screenshot({ path: resolve(artifacts, 'jobs-page.png'), fullPage: true });
  });

  it('opens the report with the equity chart, candles and the trade list', async () => {
    await page.locator(`tr[data-job-id="${jobId}"] [data-testid=open-report]`).click();
    await page.waitForURL(new RegExp(`/backtests/${jobId}$`));
    await page.waitForSelector('[data-testid=metrics]');
    await page.waitForSelector('[data-testid=equity-chart] canvas');
    await page.waitForFunction(() => performance.getEntriesByName('gauntlet:report-interactive').length > 0);
    expect(await canvasInk(page, '[data-testid=equity-chart] canvas')).toBeGreaterThan(0.01);
    await page.waitForSelector('[data-testid=candle-chart] canvas');
    expect(await page.locator('[data-testid=trade-row]').count()).toBeGreaterThan(0);
    // Sorting by P&L puts the best trade first.
    await page.locator('[data-testid=trade-table] th', { hasText: 'P&L' }).click();
    // The click re-renders the table on the next change detection: wait for the sorted header.
    await page.locator('[data-testid=trade-table] th[aria-sort=descending]', { hasText: 'P&L' }).waitFor();
    await page.waitForFunction(() => {
      const cells = Array.from(document.querySelectorAll('[data-testid=trade-row] td:nth-child(8)'));
      const v = cells.map((c) => Number((c.textContent ?? '').replace(/,/g, '')));
      return v.length > 0 && v.every((x, i) => i === 0 || (v[i - 1] as number) >= x);
    });
    const pnls = await page.locator('[data-testid=trade-row] td:nth-child(8)').allTextContents();
    const values = pnls.map((t) => Number(t.replace(/,/g, '')));
    expect(values).toEqual([...values].sort((a, b) => b - a));
    await page.waitForTimeout(500);
    await page.screenshot({ path: resolve(artifacts, 'report-page.png'), fullPage: true });
  });

  it('does not show the report to another user', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    await page.goto(`${web.url}/backtests/${jobId}`);
    await page.waitForURL(/\/login\?returnUrl=/);
    await login(page, USERS.bob);
    await page.waitForURL(new RegExp(`/backtests/${jobId}$`));
    await page.waitForSelector('[data-testid=report-not-found]');
    expect(await page.locator('[data-testid=trade-row]').count()).toBe(0);
  });

  it('measures the report of a year of one-minute bars and the initial bundle', async () => {
    const alice = await ApiClient.login(stack.apiUrl, USERS.alice);
    const request: BacktestRequest = {
      strategy: 'sma-crossover',
      params: { fast: 60, slow: 240 },
      instrument: 'demo:BTCUSDT',
      timeframe: '1m',
      from: new Date(YEAR.start).toISOString(),
      to: new Date(YEAR.end).toISOString(),
      initialCash: 10_000,
      fees: { commission: 0.001 },
    };
    const started = await alice.json<JobDto>('POST', '/api/backtests', request);
    expect(started.status).toBe(202);
    const job = await waitForJob(alice, started.body.id);
    expect(job.status).toBe('completed');

    // A fresh document, so the Performance API's clock starts at this navigation.
    const perfPage = await context.newPage();
    await perfPage.goto(`${web.url}/login`);
    await login(perfPage, USERS.alice);
    await perfPage.waitForURL(/\/jobs$/);
    await perfPage.goto(`${web.url}/backtests/${job.id}`);
    await perfPage.waitForFunction(
      () => performance.getEntriesByName('gauntlet:report-interactive').length > 0,
      null,
      {
        timeout: 60_000,
      },
    );
    const timing = await perfPage.evaluate(() => {
      const mark = performance.getEntriesByName('gauntlet:report-interactive')[0] as PerformanceEntry;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      // Where the time goes: each API call and lazy chunk, as [start, end] ms since navigation.
      const resources = performance
        .getEntriesByType('resource')
        .filter((r) => r.startTime < mark.startTime)
        .map((r) => ({
          name: new URL(r.name).pathname,
          startMs: Math.round(r.startTime),
          endMs: Math.round(r.startTime + r.duration),
          bytes: (r as PerformanceResourceTiming).transferSize,
        }));
      return { interactiveMs: mark.startTime, domContentLoadedMs: nav.domContentLoadedEventEnd, resources };
    });
    await perfPage.waitForSelector('[data-testid=candle-chart] canvas', { timeout: 60_000 });
    expect(await canvasInk(perfPage, '[data-testid=equity-chart] canvas')).toBeGreaterThan(0.01);
    await perfPage.screenshot({ path: resolve(artifacts, 'report-year-1m.png'), fullPage: true });
    await perfPage.close();

    const bundle = initialJsGzipBytes();
    const figures = {
      measuredAt: new Date().toISOString(),
      equityPoints: 525_600,
      reportInteractiveMs: Math.round(timing.interactiveMs),
      domContentLoadedMs: Math.round(timing.domContentLoadedMs),
      resources: timing.resources,
      initialJs: { files: bundle.files, rawBytes: bundle.raw, gzipBytes: bundle.gzip },
    };
    writeFileSync(resolve(artifacts, 'web-performance.json'), JSON.stringify(figures, null, 2) + '\n');
    console.log(`web performance: ${JSON.stringify(figures)}`);
    expect(bundle.gzip).toBeLessThan(500 * 1024);
  });

  it('shows a banner while the API is down, then recovers by itself and reloads the page data', async () => {
    await page.goto(`${web.url}/jobs`);
    await page.waitForSelector(`text=${jobId}`);
    await stack.stopApi();
    await page.click('button:has-text("Refresh")');
    await page.waitForSelector('[data-testid="api-down"]', { timeout: 30_000 });
    await page.screenshot({ path: resolve(artifacts, 'api-down.png'), fullPage: true });
    // The page stays usable: the job list it had is still on screen.
    expect(await page.isVisible(`text=${jobId}`)).toBe(true);
    stack.startApi();
    await stack.waitForApi();
    await page.waitForSelector('[data-testid="api-down"]', { state: 'detached', timeout: 60_000 });
    await page.waitForSelector(`text=${jobId}`);
  });

  it('keeps a job’s progress live across an API restart, in the same document', async () => {
    // The worker is held back so the job is still waiting when the API goes away.
    await stack.stopWorker();
    const alice = await ApiClient.login(stack.apiUrl, USERS.alice);
    const created = await alice.json<JobDto>('POST', '/api/backtests', {
      strategy: 'sma-crossover',
      params: { fast: 12, slow: 36 },
      instrument: 'demo:BTCUSDT',
      timeframe: '15m',
      from: '2023-03-01T00:00:00Z',
      to: '2023-06-01T00:00:00Z',
      initialCash: 10000,
    });
    expect(created.status).toBe(202);
    const id = created.body.id;
    await page.goto(`${web.url}/jobs`);
    await page.locator(`tr[data-job-id="${id}"][data-status=queued]`).waitFor();
    await page.evaluate(
      () => ((window as unknown as { __restartDocument: boolean }).__restartDocument = true),
    );
    await stack.stopApi();
    stack.startApi();
    await stack.waitForApi();
    stack.startWorker();
    await page.locator(`tr[data-job-id="${id}"][data-status=completed]`).waitFor({ timeout: 120_000 });
    const progress = await page
      .locator(`tr[data-job-id="${id}"] [data-testid=job-progress]`)
      .getAttribute('aria-valuenow');
    expect(progress).toBe('100');
    const sameDocument = await page.evaluate(
      () => (window as unknown as { __restartDocument?: boolean }).__restartDocument === true,
    );
    expect(sameDocument).toBe(true);
  });

  it('logged no errors in the browser console', () => {
    // The 400, 401 and 404 responses provoked above are logged by Chromium as failed resources.
    // So are the 502s the proxy answers while the API is stopped on purpose.
    const unexpected = consoleErrors.filter((e) => !/status of (400|401|404|502)/.test(e));
    expect(unexpected).toEqual([]);
  });
});

async function expectText(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForSelector(selector);
  expect(await page.textContent(selector)).toContain(text);
}
