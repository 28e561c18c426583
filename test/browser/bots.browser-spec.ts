/// <reference lib="dom" />
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BotDto, type BotFillDto } from '@gauntlet/contracts';
import { createDataSource, hashPassword, UserEntity } from '@gauntlet/db';
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ApiClient, AppStack, type TestUser, USERS } from '../support/app-stack';
import { artifacts, ensureWebBuild, launchBrowser, login, waitForInk, webRoot } from './helpers';
import { startWebServer } from './static-server';

/**
 * The bots pages end to end: a trader creates a paper bot from the form over seeded one-minute
 * bars, starts, pauses, resumes and kills it from the browser, and watches its fills reach the
 * detail page's tables, chart and live event list; the production web build runs against the
 * real API, worker, PostgreSQL, Redis and Temporal.
 */
const START = Date.UTC(2024, 0, 1);
// Long enough that the replay cannot reach its end while the test drives the bot.
const BARS = 1500;
const TRADER: TestUser = { email: 'trina@test.local', password: 'trina-password-1', role: 'trader' };
const BOT_NAME = 'browser sma paper';

/**
 * Near-white pixels in the price pane (the chart's top 60%): only the fill markers, outlined in
 * white, draw them there; candles, volume, grid and labels are coloured or grey.
 */
async function markerPixels(page: Page, host: string): Promise<number> {
  return page.$$eval(`${host} canvas`, (els) => {
    let n = 0;
    for (const el of els as HTMLCanvasElement[]) {
      const h = Math.floor(el.height * 0.6);
      if (el.width === 0 || h === 0) continue;
      const data = el.getContext('2d')?.getImageData(0, 0, el.width, h).data;
      if (!data) continue;
      for (let i = 0; i < data.length; i += 4)
        if (
          (data[i + 3] as number) > 200 &&
          (data[i] as number) > 200 &&
          (data[i + 1] as number) > 200 &&
          (data[i + 2] as number) > 200
        )
          n++;
    }
    return n;
  });
}

describe('bots pages in a browser', () => {
  const stack = new AppStack();
  let web: { url: string; close(): Promise<void> };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let trader: ApiClient;
  let botId = '';
  const consoleErrors: string[] = [];

  const row = (): Locator => page.locator(`[data-testid=bot-row][data-bot-name="${BOT_NAME}"]`);
  const statusOf = (scope: Locator | Page): Promise<string | null> =>
    scope.locator('[data-testid=bot-status]').first().getAttribute('data-status');
  const untilStatus = async (scope: Locator | Page, status: string, timeoutMs = 60_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    let seen: string | null = null;
    while (Date.now() < deadline) {
      seen = await statusOf(scope).catch(() => null);
      if (seen === status) return;
      await page.waitForTimeout(200);
    }
    throw new Error(`status stayed ${seen}, expected ${status}`);
  };

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(artifacts, { recursive: true });
    await stack.setup({ demoBars: { start: START, end: START + BARS * 60_000 } });
    const ds = createDataSource({ url: stack.databaseUrl, schema: stack.schema, poolSize: 1 });
    await ds.initialize();
    await ds
      .getRepository(UserEntity)
      .save({ email: TRADER.email, passwordHash: await hashPassword(TRADER.password), role: TRADER.role });
    await ds.destroy();
    trader = await ApiClient.login(stack.apiUrl, TRADER);
    web = await startWebServer(webRoot, stack.apiUrl);
    ({ browser, context } = await launchBrowser());
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  }, 180_000);

  afterAll(async () => {
    writeFileSync(resolve(artifacts, 'bots-browser-stack.log'), stack.logs.join(''));
    await browser?.close();
    await web?.close();
    await stack.teardown();
  });

  it('creates a paper bot from the form, showing an API field error beside its field first', async () => {
    await page.goto(`${web.url}/login`);
    await login(page, TRADER);
    await page.waitForURL(/\/jobs$/);
    await page.locator('[data-testid=nav-bots]').click();
    await page.waitForURL(/\/bots$/);
    await page.locator('[data-testid=new-bot]').click();
    const form = page.locator('[data-testid=bot-form]');
    await form.waitFor();

    await form.locator('[data-testid=bot-name]').fill(BOT_NAME);
    await form.locator('[data-testid=bot-strategy]').selectOption('sma-crossover');
    await form.locator('[data-param=fast] input').fill('3');
    await form.locator('[data-param=slow] input').fill('8');
    await form.locator('[data-testid=bot-instrument]').selectOption('demo:BTCUSDT');
    await form.locator('[data-testid=bot-capital]').fill('10000');
    await form.locator('[data-testid=bot-sizing]').selectOption('units');
    await form.locator('[data-testid=bot-sizing-value]').fill('0.1');
    await form.locator('[aria-label="maxDrawdownPct threshold"]').fill('50');
    await form.locator('[aria-label="maxDrawdownPct action"]').selectOption('pause');
    await form.locator('[data-testid=bot-step-ms]').fill('200');
    // No bars are stored from 2030 on: the API names feed.from and the form shows it there.
    await form.locator('[data-testid=bot-feed-from]').fill('2030-01-01T00:00:00Z');
    await form.locator('[data-testid=bot-submit]').click();
    const fromError = form.locator('[data-field="feed.from"] [data-testid=field-error]');
    await fromError.waitFor();
    expect(await fromError.textContent()).toContain('no stored bars for demo:BTCUSDT');
    expect(await page.locator('[data-testid=submit-error]').textContent()).toContain('beside them');
    await page.screenshot({ path: resolve(artifacts, 'bots-form-error.png'), fullPage: true });

    await form.locator('[data-testid=bot-feed-from]').fill(new Date(START).toISOString());
    await form.locator('[data-testid=bot-submit]').click();
    await row().waitFor();
    botId = (await row().getAttribute('data-bot-id')) ?? '';
    expect(botId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await statusOf(row())).toBe('created');
    expect(await row().locator('[data-testid=bot-mode-badge]').textContent()).toContain('paper');

    // What the API stored is what the form sent.
    const { body } = await trader.json<BotDto>('GET', `/api/bots/${botId}`);
    expect(body.params).toMatchObject({ fast: 3, slow: 8 });
    expect(body.capital).toBe(10_000);
    expect(body.config.sizing).toEqual({ kind: 'units', units: 0.1 });
    expect(body.config.feed).toMatchObject({
      kind: 'replay',
      from: new Date(START).toISOString(),
      stepMs: 200,
    });
    expect(body.riskLimits).toEqual({ maxDrawdownPct: { threshold: 50, action: 'pause' } });
    // Only the commands that apply to a created bot are enabled.
    expect(await row().locator('[data-testid=cmd-START]').isEnabled()).toBe(true);
    expect(await row().locator('[data-testid=cmd-PAUSE]').isEnabled()).toBe(false);
    expect(await row().locator('[data-testid=cmd-RESUME]').isEnabled()).toBe(false);
    expect(await row().locator('[data-testid=cmd-KILL]').isEnabled()).toBe(true);
  });

  it('starts the bot from the list and shows its fills in the tables, on the chart and as live events', async () => {
    await row().locator('[data-testid=cmd-START]').click();
    await untilStatus(row(), 'running');
    expect(await row().locator('[data-testid=cmd-START]').isEnabled()).toBe(false);
    expect(await row().locator('[data-testid=cmd-PAUSE]').isEnabled()).toBe(true);
    await page.screenshot({ path: resolve(artifacts, 'bots-list-running.png'), fullPage: true });

    await row().locator('[data-testid=bot-link]').click();
    await page.waitForURL(new RegExp(`/bots/${botId}$`));
    expect(await page.locator('[data-testid=bot-title]').textContent()).toContain(BOT_NAME);
    await untilStatus(page, 'running');
    await page.locator('[data-testid=fill-row]').first().waitFor({ timeout: 90_000 });
    await page.locator('[data-testid=event-row][data-kind=fill]').first().waitFor({ timeout: 30_000 });
    const sources = await page.evaluate(
      () => (window as unknown as { __eventSources: string[] }).__eventSources,
    );
    expect(sources.some((u) => u.includes(`/api/bots/${botId}/events`))).toBe(true);

    // The chart marks every fill the table lists (it lags the table by at most one refresh).
    const chart = page.locator('[data-testid=bot-chart]');
    await chart.waitFor();
    await page.waitForFunction(
      () => {
        const rows = document.querySelectorAll('[data-testid=fill-row]').length;
        const marked = Number(
          document.querySelector('[data-testid=bot-chart]')?.getAttribute('data-markers'),
        );
        return rows > 0 && marked === rows;
      },
      undefined,
      { timeout: 30_000 },
    );
    expect(Number(await chart.getAttribute('data-candles'))).toBeGreaterThan(1);
    // The markers are drawn on the price pane, not merely handed to the chart.
    const deadline = Date.now() + 15_000;
    let white = 0;
    while (Date.now() < deadline && (white = await markerPixels(page, '[data-testid=bot-chart]')) < 5)
      await page.waitForTimeout(250);
    expect(white).toBeGreaterThanOrEqual(5);
    expect(await waitForInk(page, '[data-testid=bot-chart]', 0.02)).toBeGreaterThan(0.02);
    const fills = (await trader.json<BotFillDto[]>('GET', `/api/bots/${botId}/fills`)).body;
    expect(fills.length).toBeGreaterThanOrEqual(await page.locator('[data-testid=fill-row]').count());
    const sides = await page
      .locator('[data-testid=fill-row]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-side')));
    expect(sides).toEqual(fills.slice(0, sides.length).map((f) => f.side));
    expect(await page.locator('[data-testid=order-row]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: resolve(artifacts, 'bot-detail-running.png'), fullPage: true });
  });

  it('pauses and resumes from the detail page, with the status change arriving as a live event', async () => {
    const statusEvents = page.locator('[data-testid=event-row][data-kind=status]');
    const before = await statusEvents.count();
    await page.locator('[data-testid=cmd-PAUSE]').click();
    await untilStatus(page, 'paused');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=event-row][data-kind=status]').length > n,
      before,
      { timeout: 30_000 },
    );
    expect(await statusEvents.first().textContent()).toContain('paused');
    expect(await page.locator('[data-testid=cmd-RESUME]').isEnabled()).toBe(true);
    await page.screenshot({ path: resolve(artifacts, 'bot-detail-paused.png'), fullPage: true });

    await page.locator('[data-testid=cmd-RESUME]').click();
    await untilStatus(page, 'running');
  });

  it('asks before KILL: cancel keeps the bot running, confirm kills it and flattens the position', async () => {
    await page.locator('[data-testid=cmd-KILL]').click();
    const dialog = page.locator('[data-testid=confirm-dialog]');
    await dialog.waitFor();
    const text = await dialog.locator('[data-testid=confirm-text]').textContent();
    expect(text).toContain(`"${BOT_NAME}"`);
    expect(text).toContain('cancels its open orders');
    expect(text).toContain('flattens its position');
    await page.screenshot({ path: resolve(artifacts, 'bot-kill-confirm.png'), fullPage: true });
    await dialog.locator('[data-testid=confirm-cancel]').click();
    await dialog.waitFor({ state: 'detached' });
    // Several polls later the bot is still running.
    await page.waitForTimeout(3000);
    expect(await statusOf(page)).toBe('running');
    expect((await trader.json<BotDto>('GET', `/api/bots/${botId}`)).body.state?.status).toBe('running');

    await page.locator('[data-testid=cmd-KILL]').click();
    await dialog.waitFor();
    await dialog.locator('[data-testid=confirm-ok]').click();
    await untilStatus(page, 'killed');
    for (const c of ['START', 'PAUSE', 'RESUME', 'STOP', 'KILL'])
      expect(await page.locator(`[data-testid=cmd-${c}]`).isEnabled()).toBe(false);
    await page.waitForFunction(
      () => document.querySelector('[data-testid=state-position]')?.textContent?.trim() === '0.00000',
      undefined,
      { timeout: 30_000 },
    );
    const { body } = await trader.json<BotDto>('GET', `/api/bots/${botId}`);
    expect(body.status).toBe('killed');
    // The API's own fills add up to a flat position: the flattening order went through.
    const fills = (await trader.json<BotFillDto[]>('GET', `/api/bots/${botId}/fills`)).body;
    const net = fills.reduce((q, f) => q + (f.side === 'buy' ? f.qty : -f.qty), 0);
    expect(net).toBeCloseTo(0, 9);
    // The position comes from the workflow's state at once; the fills table from its next poll.
    await page
      .waitForFunction((n) => document.querySelectorAll('[data-testid=fill-row]').length >= n, fills.length, {
        timeout: 10_000,
      })
      .catch(() => undefined);
    expect(await page.locator('[data-testid=fill-row]').count()).toBe(fills.length);
    await page.locator('[data-testid=event-row][data-kind=status]', { hasText: 'killed' }).first().waitFor();
    await page.screenshot({ path: resolve(artifacts, 'bot-detail-killed.png'), fullPage: true });

    await page.locator('a', { hasText: '← Bots' }).click();
    await untilStatus(row(), 'killed');
    expect(await row().locator('[data-testid=bot-position]').textContent()).toContain('0.00000');
    // A killed bot's cash is its capital less what its fills paid, plus what they received, less fees.
    const cash = fills.reduce((c, f) => c - (f.side === 'buy' ? 1 : -1) * f.qty * f.price - f.fee, 10_000);
    const shown = (await row().locator('[data-testid=bot-equity]').textContent())?.trim() ?? '';
    // Shown to the cent.
    expect(Math.abs(Number(shown.replace(/,/g, '')) - cash)).toBeLessThanOrEqual(0.005 + 1e-9);
  });

  it('draws no marker pixels on the market-data chart, which passes no markers (control for the check above)', async () => {
    await page.goto(`${web.url}/data`);
    await page.locator('[data-testid=chart-instrument]').selectOption('demo:BTCUSDT');
    await page.waitForFunction(() => {
      const panel = document.querySelector('g-bars-panel');
      return panel?.getAttribute('data-loading') === 'false' && Number(panel.getAttribute('data-draws')) > 0;
    });
    expect(await waitForInk(page, '[data-testid=bars-chart]', 0.02)).toBeGreaterThan(0.02);
    expect(await page.locator('[data-testid=bars-chart]').getAttribute('data-markers')).toBe('0');
    expect(await markerPixels(page, '[data-testid=bars-chart]')).toBe(0);
  });

  it('hides the bots link from a viewer', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    await login(page, USERS.viewer);
    await page.waitForURL(/\/jobs$/);
    await page.locator('nav a', { hasText: 'Jobs' }).waitFor();
    expect(await page.locator('[data-testid=nav-bots]').count()).toBe(0);
    expect(await page.locator('nav').textContent()).not.toContain('Bots');
    await page.screenshot({ path: resolve(artifacts, 'bots-viewer-nav.png'), fullPage: true });
    expect(consoleErrors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });
});
