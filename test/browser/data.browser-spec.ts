/// <reference lib="dom" />
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type SyncJobDto } from '@gauntlet/contracts';
import { Redis } from 'ioredis';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ApiClient, AppStack, USERS } from '../support/app-stack';
import { FakeExchange } from '../support/fake-exchange';
import { artifacts, ensureWebBuild, launchBrowser, login, waitForInk, webRoot } from './helpers';
import { startWebServer } from './static-server';

/** A year of 1-minute bars (525,600) for the chart. */
const YEAR = { start: Date.UTC(2023, 0, 1), end: Date.UTC(2024, 0, 1) };
/** The chart never holds more candles than this, whatever the range. */
const MAX_DRAWN = 3_000;

/**
 * The data page in Chromium against the real stack: coverage per instrument and timeframe with the
 * gaps marked, a file import with its validation report, an exchange sync (against a local fake
 * Bybit) followed to completion, the candle chart over a year of minutes, and for admins the sync
 * queues with a failed job that can be retried.
 */
describe('data page in a browser', () => {
  const stack = new AppStack();
  const fake = new FakeExchange({ seed: 4 });
  let web: { url: string; close(): Promise<void> };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let alice: ApiClient;
  let failedId = '';
  const saved: Record<string, string | undefined> = {};
  const consoleErrors: string[] = [];

  async function jobState(id: string): Promise<SyncJobDto> {
    return (await alice.json<SyncJobDto>('GET', `/api/data/syncs/${id}`)).body;
  }

  async function until(id: string, state: SyncJobDto['state']): Promise<void> {
    const deadline = Date.now() + 60_000;
    while ((await jobState(id)).state !== state) {
      if (Date.now() > deadline) throw new Error(`job ${id} never became ${state}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(artifacts, { recursive: true });
    await fake.start();
    for (const [k, v] of Object.entries({ BYBIT_BASE_URL: fake.url, BYBIT_REQUESTS_PER_MINUTE: '6000' })) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    await stack.setup({ demoBars: YEAR });
    web = await startWebServer(webRoot, stack.apiUrl);
    ({ browser, context } = await launchBrowser());
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    alice = await ApiClient.login(stack.apiUrl, USERS.alice);

    // 1-minute bars 00:00-00:04 and 00:10-00:11 (one gap of five minutes).
    const rows = ['timestamp,open,high,low,close,volume'];
    for (const m of [0, 1, 2, 3, 4, 10, 11])
      rows.push(`${new Date(Date.UTC(2024, 5, 1, 0, m)).toISOString()},10,11,9,10.5,1`);
    const form = new FormData();
    form.append('file', new Blob([`${rows.join('\n')}\n`]), 'bars.csv');
    form.append('exchange', 'test');
    form.append('symbol', 'PAGEUSDT');
    const token = (
      (await (
        await fetch(`${stack.apiUrl}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: USERS.alice.email, password: USERS.alice.password }),
        })
      ).json()) as { accessToken: string }
    ).accessToken;
    const imported = await fetch(`${stack.apiUrl}/api/data/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(imported.status).toBe(201);

    // A sync the exchange refuses once, for good: a failed job on the queue.
    fake.faults.push({ path: '/v5/market/kline', bybitRetCode: 10001 });
    const from = Date.UTC(2024, 4, 1);
    const sync = await alice.json<SyncJobDto>('POST', '/api/data/syncs', {
      exchange: 'bybit',
      symbol: 'BTCUSDT',
      from: new Date(from).toISOString(),
      to: new Date(from + 30 * 60_000).toISOString(),
    });
    failedId = sync.body.id;
    await until(failedId, 'failed');
  }, 300_000);

  afterAll(async () => {
    writeFileSync(resolve(artifacts, 'data-browser-stack.log'), stack.logs.join(''));
    await browser?.close();
    await web?.close();
    await stack.teardown();
    await fake.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    const r = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
    const keys = await r.keys(`${stack.schema}:*`);
    if (keys.length > 0) await r.del(...keys);
    r.disconnect();
  });

  it('shows a researcher coverage per timeframe with the gap marked, and no queues', async () => {
    await page.goto(`${web.url}/data`);
    await page.waitForURL(/\/login/);
    await login(page, USERS.alice);
    await page.waitForURL(/\/data$/);
    const minute = page.locator('tr[data-instrument="test:PAGEUSDT"][data-timeframe="1m"]');
    await minute.waitFor();
    await expect(minute.locator('[data-testid=gap-count]').innerText()).resolves.toBe('1');
    // 12 minutes from 00:00 to the end of 00:11, the gap 00:05-00:10 cut out: 5/12 of the bar.
    const gap = minute.locator('.timeline span.gap');
    expect(await gap.count()).toBe(1);
    const width = await gap.evaluate((el) => parseFloat((el as HTMLElement).style.width));
    // The browser keeps a style length to four decimals.
    expect(width).toBeCloseTo((5 / 12) * 100, 3);
    // Every timeframe resampled from the 1-minute base is listed.
    const tfs = await page
      .locator('tr[data-instrument="test:PAGEUSDT"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-timeframe')));
    expect(tfs).toEqual(['1m', '5m', '15m', '1h', '4h', '1d']);
    expect(await page.locator('[data-queue]').count()).toBe(0);
  });

  it('shows every bad row of a refused import, then imports the rest with skip-invalid', async () => {
    // Line 1 is the header; lines 4, 7 and 10 are bad, the other nine are good.
    const lines = ['timestamp,open,high,low,close,volume'];
    for (let i = 0; i < 12; i++) {
      const t = new Date(Date.UTC(2024, 6, 1, 0, i)).toISOString();
      const line = lines.length + 1;
      if (line === 4) lines.push(`${t},abc,11,9,10.5,1`);
      else if (line === 7) lines.push(`${t},10,9,9.5,10,1`);
      else if (line === 10) lines.push(`${t},10,11,9,10.5,-3`);
      else lines.push(`${t},10,11,9,10.5,1`);
    }
    const file = { name: 'bad-rows.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) };

    await page.getByRole('button', { name: 'Import file…' }).click();
    const dialog = page.locator('[data-testid=import-dialog]');
    await dialog.waitFor();
    await dialog.locator('[data-testid=import-file]').setInputFiles(file);
    await dialog.getByLabel('Exchange').fill('test');
    await dialog.getByLabel('Symbol').fill('BADUSDT');
    await dialog.getByRole('button', { name: 'Upload' }).click();

    const report = dialog.locator('[data-testid=import-report]');
    await report.waitFor();
    expect(await report.getAttribute('data-status')).toBe('rejected');
    const summary = await report.locator('[data-testid=import-summary]').innerText();
    expect(summary).toContain('Nothing imported');
    expect(summary).toMatch(/in 3 bad line\(s\) of 12/);
    const issues = report.locator('[data-testid=import-issues] tbody tr');
    const listed = await issues.evaluateAll((rows) =>
      rows.map((r) => ({
        line: Number(r.getAttribute('data-line')),
        reason: (r.lastElementChild as HTMLElement).innerText,
      })),
    );
    expect([...new Set(listed.map((i) => i.line))]).toEqual([4, 7, 10]);
    expect(listed.find((i) => i.line === 4)?.reason).toContain('open');
    expect(
      listed
        .filter((i) => i.line === 7)
        .map((i) => i.reason)
        .join(' '),
    ).toContain('high');
    expect(listed.find((i) => i.line === 10)?.reason).toContain('volume');
    expect(summary).toContain(`${listed.length} problem(s)`);
    await page.screenshot({ path: resolve(artifacts, 'data-import-rejected.png'), fullPage: true });
    // Nothing was written.
    const none = await alice.json<unknown[]>('GET', '/api/data/coverage?instrument=test:BADUSDT');
    expect(none.body).toEqual([]);

    await dialog.getByLabel('Skip invalid rows').check();
    await dialog.getByRole('button', { name: 'Upload' }).click();
    await dialog.locator('[data-testid=import-report][data-status=imported]').waitFor();
    await expect(dialog.locator('[data-testid=import-imported]').innerText()).resolves.toBe('9');
    await expect(dialog.locator('[data-testid=import-skipped]').innerText()).resolves.toBe('3');
    await page.screenshot({ path: resolve(artifacts, 'data-import-skipped.png'), fullPage: true });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // The page reloaded its coverage: the new instrument is listed with its nine bars.
    const row = page.locator('tr[data-instrument="test:BADUSDT"][data-timeframe="1m"]');
    await row.waitFor();
    await expect(row.locator('td.num').first().innerText()).resolves.toBe('9');
  });

  it('starts a sync and follows its progress to completion', async () => {
    const form = page.locator('[data-testid=sync-form]');
    await form.getByLabel('Symbol').fill('ETHUSDT');
    await form.getByLabel('From (UTC)').fill('2024-03-01');
    await form.getByLabel('To (UTC, empty: now)').fill('2024-03-03');
    // Small pages, so the job takes several requests and reports progress between them, and one
    // rate-limit answer two seconds long after a third of them: the page polls every second, so it
    // sees the job part-way.
    fake.pageCap = 200;
    fake.faults.push({ path: '/v5/market/kline', skip: 5, status: 429, retryAfterSeconds: 2 });
    await form.getByRole('button', { name: 'Start sync' }).click();
    const row = page.locator('[data-testid=sync-jobs] tr[data-sync-id^="sync-bybit-ETHUSDT"]');
    await row.waitFor();
    const seen = new Set<string>();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const state = await row.getAttribute('data-state');
      seen.add(`${state} ${await row.locator('[data-testid=sync-progress]').innerText()}`);
      if (state === 'completed' || state === 'failed') break;
      if (Date.now() > deadline) throw new Error(`sync still ${state}`);
      await page.waitForTimeout(100);
    }
    fake.pageCap = Infinity;
    console.log(`sync progress seen on the page: ${[...seen].join(', ')}`);
    expect(await row.getAttribute('data-state')).toBe('completed');
    expect([...seen].some((v) => /^active ([1-9]|[1-9]\d)%$/.test(v))).toBe(true);
    await expect(row.locator('[data-testid=sync-progress]').innerText()).resolves.toBe('100%');
    // Two days of minutes, every one of which the fake exchange has.
    await expect(row.locator('[data-testid=sync-bars]').innerText()).resolves.toBe(String(2 * 1440));
    // A finished sync refreshes the coverage.
    await page.locator('tr[data-instrument="bybit:ETHUSDT"][data-timeframe="1m"]').waitFor();
    await page.screenshot({ path: resolve(artifacts, 'data-sync-done.png'), fullPage: true });
  });

  it('charts a year of 1-minute bars as at most 3,000 candles, and zooms in at a finer timeframe', async () => {
    const panel = page.locator('g-bars-panel');
    const chart = '[data-testid=bars-chart]';
    const draws = async (): Promise<number> => Number(await panel.getAttribute('data-draws'));
    const drawnAfter = async (n: number): Promise<void> => {
      await page.waitForFunction(
        (before) => {
          const el = document.querySelector('g-bars-panel');
          return (
            Number(el?.getAttribute('data-draws')) > before && el?.getAttribute('data-loading') === 'false'
          );
        },
        n,
        { timeout: 60_000, polling: 'raf' },
      );
    };

    await page.locator('[data-testid=chart-instrument]').selectOption('demo:BTCUSDT');
    await page.waitForFunction(
      () => document.querySelector('g-bars-panel')?.getAttribute('data-loading') === 'false',
    );
    let before = await draws();
    const t0 = Date.now();
    await panel.getByRole('button', { name: '1Y' }).click();
    await drawnAfter(before);
    const yearMs = Date.now() - t0;
    await waitForInk(page, chart, 0.02);
    const yearStatus = await panel.locator('[data-testid=chart-status]').innerText();
    const yearTf = await panel.getAttribute('data-timeframe');
    const yearCandles = Number(await page.locator('g-ohlcv-chart').getAttribute('data-candles'));
    // 365 days of 4-hour candles; hourly would be 8,760.
    expect(yearTf).toBe('4h');
    expect(yearCandles).toBe(365 * 6);
    expect(yearCandles).toBeLessThanOrEqual(MAX_DRAWN);
    await page.screenshot({ path: resolve(artifacts, 'data-chart-year.png'), fullPage: true });

    // Zoom in with the mouse wheel over the candles; the page asks for the visible part again.
    await page.locator(chart).scrollIntoViewIfNeeded();
    const box = (await page.locator(chart).boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.3);
    before = await draws();
    // Each notch zooms about 10 %, spaced past ECharts' zoom throttle (100 ms): 30 notches take a
    // year to a few weeks, well past the 104 days under which hourly candles fit.
    let t1 = 0;
    for (let i = 0; i < 30; i++) {
      if (i > 0) await page.waitForTimeout(120);
      t1 = Date.now();
      await page.mouse.wheel(0, -400);
    }
    await drawnAfter(before);
    const zoomMs = Date.now() - t1;
    const zoomTf = await panel.getAttribute('data-timeframe');
    const zoomCandles = Number(await page.locator('g-ohlcv-chart').getAttribute('data-candles'));
    const zoomStatus = await panel.locator('[data-testid=chart-status]').innerText();
    expect(['1m', '5m', '15m', '1h']).toContain(zoomTf);
    expect(zoomCandles).toBeGreaterThan(0);
    expect(zoomCandles).toBeLessThanOrEqual(MAX_DRAWN);
    await waitForInk(page, chart, 0.02);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: resolve(artifacts, 'data-chart-zoomed.png'), fullPage: true });

    const figures = {
      yearRangeToDrawnMs: yearMs,
      yearTimeframe: yearTf,
      yearCandles,
      yearStatus,
      zoomLastWheelToDrawnMs: zoomMs,
      zoomTimeframe: zoomTf,
      zoomCandles,
      zoomStatus,
      note: 'zoom time runs from the last wheel notch and includes the 250 ms debounce',
    };
    writeFileSync(resolve(artifacts, 'data-chart-timing.json'), JSON.stringify(figures, null, 2) + '\n');
    console.log(`data chart timing: ${JSON.stringify(figures)}`);
    expect(yearMs).toBeLessThan(10_000);
    expect(zoomMs).toBeLessThan(10_000);
  });

  it('shows an admin the queues with the failed job, and retries it', async () => {
    await page.evaluate(() => localStorage.clear());
    await page.goto(`${web.url}/data`);
    await page.waitForURL(/\/login/);
    await login(page, USERS.admin);
    await page.waitForURL(/\/data$/);
    const queue = page.locator('[data-queue="data-sync-bybit"]');
    const row = queue.locator(`tr[data-job-id="${failedId}"]`);
    await row.waitFor();
    await expect(row.locator('.reason').innerText()).resolves.toContain('10001');
    await row.getByRole('button', { name: 'Retry' }).click();
    await until(failedId, 'completed');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await row.waitFor({ state: 'detached' });
    await expect(queue.locator('.counts').innerText()).resolves.toContain('failed 0');
  });

  it('logged no errors in the browser console', () => {
    // The refused import answers 400 with its report by design; Chromium logs every 400.
    expect(consoleErrors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });
});
