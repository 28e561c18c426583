/// <reference lib="dom" />
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type SyncJobDto } from '@gauntlet/contracts';
import { Redis } from 'ioredis';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ApiClient, AppStack, USERS } from '../support/app-stack';
import { FakeExchange } from '../support/fake-exchange';
import { artifacts, ensureWebBuild, launchBrowser, login, webRoot } from './helpers';
import { startWebServer } from './static-server';

/**
 * The data page in Chromium against the real stack: coverage per instrument and timeframe with the
 * gaps marked, and for admins the sync queues with a failed job that can be retried.
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
    await stack.setup();
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
    expect(consoleErrors).toEqual([]);
  });
});
