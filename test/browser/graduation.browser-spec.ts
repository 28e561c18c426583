/// <reference lib="dom" />
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type BotDto,
  type GraduationDto,
  type GraduationStatus,
  type JobDto,
  type VenueAccountDto,
} from '@gauntlet/contracts';
import { BarsRepository, createDataSource, hashPassword, UserEntity } from '@gauntlet/db';
import { Pool } from 'pg';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ApiClient, AppStack, type TestUser, USERS, waitForJob } from '../support/app-stack';
import { FAKE_VENUE_API_KEY, FAKE_VENUE_API_SECRET, FakeVenue } from '../support/fake-venue';
import { artifacts, ensureWebBuild, launchBrowser, login, webRoot } from './helpers';
import { startWebServer } from './static-server';

/**
 * The graduation pages end to end: a trader graduates a completed backtest from its report
 * through the form (an API field error first), watches the paper period, the evaluation and the
 * trade-by-trade comparison reach the detail page, and cannot decide; an admin approves it and
 * watches the live bot's capital ramp up; a graduation with criteria the paper period cannot
 * meet fails and shows why. The production web build runs against the real API, worker,
 * PostgreSQL, Redis and Temporal; the live bot trades against a local fake Bybit venue.
 */
const INSTRUMENT = 'grad:BTCUSDT';
const SYMBOL = 'BTCUSDT';
const START = Date.UTC(2024, 0, 1);
const BARS = 1500;
/** The backtest covers the first 600 bars; the paper period starts where it ends. */
const BACKTEST_END = START + 600 * 60_000;
const TRADER: TestUser = { email: 'gina@test.local', password: 'gina-password-1', role: 'trader' };
/**
 * The close against the average of the last two: in at every rise, out at every fall. A paper
 * period of a few bars trades several times, so the comparison has rows to show.
 */
const PARAMS = { fast: 1, slow: 2, direction: 'long-only' };
/** Criteria any paper period that trades at all meets. */
const CRITERIA = { minTrades: 0, minSharpe: -1000, maxDrawdownPct: 100, maxTrackingError: 1 };
/**
 * Every period short, so the whole path runs in seconds. The paper period is long enough for
 * dozens of 100 ms steps even on a busy machine (starting the bot takes a few seconds of it):
 * with only a couple of bars the paper equity is flat and its Sharpe cannot be computed.
 */
const PERIODS = { paperMs: 12_000, approvalTimeoutMs: 120_000, rampIntervalMs: 1000, checkMs: 300 };

describe('graduation pages in a browser', () => {
  const stack = new AppStack();
  let web: { url: string; close(): Promise<void> };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pool: Pool;
  let trader: ApiClient;
  let admin: ApiClient;
  let venue: FakeVenue;
  let account: VenueAccountDto;
  let backtestId = '';
  let graduationId = '';
  const consoleErrors: string[] = [];

  const statusOnPage = (): Promise<string | null> =>
    page
      .locator('.head [data-testid=graduation-status]')
      .first()
      .getAttribute('data-status')
      .catch(() => null);
  /** Waits until the page shows `status`, failing at once if it shows a final status instead. */
  const untilStatus = async (status: GraduationStatus, timeoutMs = 90_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    let seen: string | null = null;
    while (Date.now() < deadline) {
      seen = await statusOnPage();
      if (seen === status) return;
      if (
        seen &&
        seen !== status &&
        ['failed', 'rejected', 'expired', 'demoted', 'ended', 'error'].includes(seen)
      )
        break;
      await page.waitForTimeout(200);
    }
    const reason = await page
      .locator('.head [data-testid=graduation-reason]')
      .textContent()
      .catch(() => null);
    // What the API says of it, for the failure message.
    const id = new URL(page.url()).pathname.split('/').pop() ?? '';
    const g = (await trader.json<GraduationDto>('GET', `/api/graduations/${id}`)).body;
    const ev = g?.evaluation;
    const summary = ev
      ? { bars: ev.bars, paper: ev.paper, engine: ev.engine, pairs: ev.pairs.length, matched: ev.matched }
      : null;
    throw new Error(
      `status stayed ${seen} (${reason}), expected ${status}; evaluation ${JSON.stringify(summary)}\n` +
        stack.logs.slice(-20).join(''),
    );
  };
  const getGraduation = async (id: string): Promise<GraduationDto> => {
    const res = await trader.json<GraduationDto>('GET', `/api/graduations/${id}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const stepNames = (): Promise<string[]> =>
    page
      .locator('[data-testid=step-row]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-step') ?? ''));

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(artifacts, { recursive: true });
    await stack.setup();
    await stack.seedBars(INSTRUMENT, 'grad-v1', START, START + BARS * 60_000);
    const ds = createDataSource({ url: stack.databaseUrl, schema: stack.schema, poolSize: 1 });
    await ds.initialize();
    await ds
      .getRepository(UserEntity)
      .save({ email: TRADER.email, passwordHash: await hashPassword(TRADER.password), role: TRADER.role });
    await ds.destroy();
    pool = new Pool({
      connectionString: stack.databaseUrl,
      max: 2,
      options: `-c search_path=${stack.schema}`,
    });
    // A USDT perpetual, so the venue keeps a signed position for the live bot.
    await pool.query(`UPDATE instruments SET kind = 'perpetual' WHERE id = $1`, [INSTRUMENT]);
    [trader, admin] = await Promise.all([
      ApiClient.login(stack.apiUrl, TRADER),
      ApiClient.login(stack.apiUrl, USERS.admin),
    ]);

    // The trader's own completed backtest, the one to graduate.
    const job = await trader.json<JobDto>('POST', '/api/backtests', {
      strategy: 'sma-crossover',
      params: PARAMS,
      instrument: INSTRUMENT,
      timeframe: '1m',
      from: new Date(START).toISOString(),
      to: new Date(BACKTEST_END).toISOString(),
      initialCash: 10_000,
      fees: { commission: 0.001 },
    });
    expect(job.status).toBe(202);
    backtestId = job.body.id;
    expect((await waitForJob(trader, backtestId)).status).toBe('completed');

    // The venue the live bot trades on, priced at the paper period's first close. Only an admin
    // may point an account at a local address, so the admin stores it and it is handed to the trader.
    const first = await new BarsRepository(pool, stack.schema).load({
      instrumentId: INSTRUMENT,
      timeframe: '1m',
      from: BACKTEST_END,
      to: BACKTEST_END + 60_000,
    });
    venue = new FakeVenue({ prices: { [SYMBOL]: first.close[0] as number }, balance: 50_000 });
    await venue.start();
    const created = await admin.json<VenueAccountDto>('POST', '/api/venue-accounts', {
      venue: 'bybit',
      label: 'fake venue',
      baseUrl: venue.url,
      apiKey: FAKE_VENUE_API_KEY,
      apiSecret: FAKE_VENUE_API_SECRET,
    });
    expect(created.status).toBe(201);
    await pool.query(
      `UPDATE venue_accounts SET owner_id = (SELECT id FROM users WHERE email = $1) WHERE id = $2`,
      [TRADER.email, created.body.id],
    );
    const mine = await trader.json<VenueAccountDto[]>('GET', '/api/venue-accounts');
    expect(mine.body.map((a) => a.id)).toEqual([created.body.id]);
    account = mine.body[0] as VenueAccountDto;

    web = await startWebServer(webRoot, stack.apiUrl);
    ({ browser, context } = await launchBrowser());
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  }, 300_000);

  afterAll(async () => {
    writeFileSync(resolve(artifacts, 'graduation-browser-stack.log'), stack.logs.join(''));
    await browser?.close();
    await web?.close();
    await stack.teardown();
    await venue?.stop();
    await pool?.end();
  });

  it('opens the form from the backtest report, shows an API field error beside its field, then requests the graduation', async () => {
    await page.goto(`${web.url}/login`);
    await login(page, TRADER);
    await page.waitForURL(/\/jobs$/);
    await page.goto(`${web.url}/backtests/${backtestId}`);
    await page.locator('[data-testid=graduate-link]').click();
    await page.waitForURL(new RegExp(`/graduations\\?backtest=${backtestId}$`));
    const form = page.locator('[data-testid=graduation-form]');
    await form.waitFor();
    expect(await form.locator('[data-testid=graduation-backtest]').inputValue()).toBe(backtestId);
    // The trader's one venue account is offered and chosen.
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=graduation-venue-account] option').length === 1,
    );
    expect(await form.locator('[data-testid=graduation-venue-account]').inputValue()).toBe(account.id);

    await form.locator('[data-testid=graduation-target-capital]').fill('10000');
    for (const [k, v] of Object.entries(CRITERIA))
      await form.locator(`[data-testid=criteria-${k}]`).fill(String(v));
    for (const [k, v] of Object.entries(PERIODS))
      await form.locator(`[data-testid=periods-${k}]`).fill(String(v));
    await form.locator('[data-testid=graduation-feed-step]').fill('100');
    // Below the API's minimum: it names periods.paperMs and the form shows the reason there.
    await form.locator('[data-testid=periods-paperMs]').fill('10');
    await form.locator('[data-testid=graduation-submit]').click();
    const paperError = form.locator('[data-field="periods.paperMs"] [data-testid=field-error]');
    await paperError.waitFor();
    expect(await paperError.textContent()).toContain('must be at least 1000');
    expect(await page.locator('[data-testid=submit-error]').textContent()).toContain('beside them');
    expect((await trader.json<GraduationDto[]>('GET', '/api/graduations')).body).toEqual([]);
    await page.screenshot({ path: resolve(artifacts, 'graduation-form-error.png'), fullPage: true });

    await form.locator('[data-testid=periods-paperMs]').fill(String(PERIODS.paperMs));
    await form.locator('[data-testid=graduation-submit]').click();
    await page.waitForURL(/\/graduations\/[0-9a-f-]{36}$/);
    graduationId = page.url().split('/').pop() ?? '';

    // What the API stored is what the form sent.
    const g = await getGraduation(graduationId);
    expect(g.backtestId).toBe(backtestId);
    expect(g.venueAccountId).toBe(account.id);
    expect(g.strategy).toBe('sma-crossover');
    expect(g.instrument).toBe(INSTRUMENT);
    expect(g.params).toMatchObject(PARAMS);
    expect(g.targetCapital).toBe(10_000);
    expect(g.rampSteps).toEqual([0.25, 0.5, 1]);
    expect(g.criteria).toEqual(CRITERIA);
    expect(g.periods).toEqual(PERIODS);
    expect(await page.locator('[data-testid=graduation-title]').textContent()).toContain(INSTRUMENT);
  });

  it('shows the trader the timeline up to awaiting approval, every criterion passing and the trade comparison, without decision buttons', async () => {
    await untilStatus('awaiting-approval');
    const g = await getGraduation(graduationId);
    expect(g.status).toBe('awaiting-approval');
    const ev = g.evaluation;
    if (!ev) throw new Error('no evaluation');

    // The timeline is every recorded step, in order, ending at the evaluation.
    const steps = [...g.steps].sort((a, b) => a.seq - b.seq);
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=step-row]').length === n,
      steps.length,
    );
    expect(await stepNames()).toEqual(steps.map((s) => s.step));
    expect(await stepNames()).toEqual(expect.arrayContaining(['paper-started', 'evaluating', 'evaluated']));
    const last = page.locator('[data-testid=step-row]').last();
    expect(await last.getAttribute('data-status')).toBe('awaiting-approval');
    expect(await last.textContent()).toContain('every criterion met');

    // Every criterion passes.
    const criteria = page.locator('[data-testid=criterion-row]');
    expect(await criteria.count()).toBe(4);
    expect(
      await criteria.evaluateAll((rows) =>
        rows.map((r) => [r.getAttribute('data-name'), r.getAttribute('data-pass')]),
      ),
    ).toEqual(
      expect.arrayContaining([
        ['minTrades', 'true'],
        ['minSharpe', 'true'],
        ['maxDrawdownPct', 'true'],
        ['maxTrackingError', 'true'],
      ]),
    );
    for (const r of await page.locator('[data-testid=criterion-result]').allTextContents())
      expect(r.trim()).toBe('pass');
    const tradesRow = page.locator('[data-testid=criterion-row][data-name=minTrades]');
    expect((await tradesRow.locator('[data-testid=criterion-actual]').textContent())?.trim()).toBe(
      String(ev.paper.trades),
    );

    // The comparison: one row per pair, as many matched rows as the API counts, the differing
    // fields highlighted on both sides.
    expect(ev.pairs.length).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=pair-row]').count()).toBe(ev.pairs.length);
    expect(await page.locator('[data-testid=pair-row][data-kind=matched]').count()).toBe(ev.matched);
    expect((await page.locator('[data-testid=matched-count]').textContent())?.trim()).toBe(
      String(ev.matched),
    );
    expect(
      Number((await page.locator('[data-testid=tracking-error]').textContent())?.replace(/,/g, '')),
    ).toBeCloseTo(ev.trackingError, 5);
    const shownColumns = ['size', 'entryPrice', 'exitPrice', 'exitTime', 'pnl', 'fees'];
    const expectedDiffCells = ev.pairs
      .filter((p) => p.kind === 'different')
      .reduce((n, p) => n + 2 * p.fields.filter((f) => shownColumns.includes(f)).length, 0);
    expect(await page.locator('[data-testid=pair-row] td.diff').count()).toBe(expectedDiffCells);
    const kinds = await page
      .locator('[data-testid=pair-row]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
    expect(kinds).toEqual(ev.pairs.map((p) => p.kind));

    // The paper bot is linked; only an admin decides.
    expect(g.paperBotId).not.toBeNull();
    expect(await page.locator('[data-testid=bot-link-paper]').getAttribute('href')).toBe(
      `/bots/${g.paperBotId}`,
    );
    expect(await page.locator('[data-testid=decision-approve]').count()).toBe(0);
    expect(await page.locator('[data-testid=decision-reject]').count()).toBe(0);
    await page.screenshot({ path: resolve(artifacts, 'graduation-awaiting-trader.png'), fullPage: true });
  });

  it('lets an admin approve after confirming, and shows the capital ramp up to live', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    await login(page, USERS.admin);
    await page.waitForURL(/\/jobs$/);
    await page.goto(`${web.url}/graduations/${graduationId}`);
    await untilStatus('awaiting-approval', 10_000);
    const approve = page.locator('[data-testid=decision-approve]');
    await approve.waitFor();
    expect(await page.locator('[data-testid=decision-reject]').isVisible()).toBe(true);

    // Cancel asks nothing of the API; the graduation keeps waiting.
    await approve.click();
    const dialog = page.locator('[data-testid=confirm-dialog]');
    await dialog.waitFor();
    const text = await dialog.locator('[data-testid=confirm-text]').textContent();
    expect(text).toContain('LIVE');
    expect(text).toContain('25%');
    await dialog.locator('[data-testid=confirm-cancel]').click();
    await dialog.waitFor({ state: 'detached' });
    await page.waitForTimeout(1500);
    expect((await getGraduation(graduationId)).status).toBe('awaiting-approval');

    await approve.click();
    await dialog.waitFor();
    await dialog.locator('[data-testid=decision-note]').fill('browser approval');
    await page.screenshot({ path: resolve(artifacts, 'graduation-approve-confirm.png'), fullPage: true });
    await dialog.locator('[data-testid=confirm-ok]').click();
    await untilStatus('ramping', 30_000);
    expect(await page.locator('[data-testid=decision-approve]').count()).toBe(0);
    await untilStatus('live', 60_000);

    const g = await getGraduation(graduationId);
    expect(g.status).toBe('live');
    expect(g.capitalFraction).toBe(1);
    expect(g.decision).toMatchObject({ decision: 'approve', note: 'browser approval' });
    // Two raises take the ramp from its first step to the whole target.
    const raised = g.steps.filter((s) => s.step === 'capital-raised');
    expect(raised).toHaveLength(2);
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=step-row][data-step=capital-raised]').length === n,
      raised.length,
    );
    expect(await stepNames()).toEqual([...g.steps].sort((a, b) => a.seq - b.seq).map((s) => s.step));
    expect(await stepNames()).toEqual(expect.arrayContaining(['approved', 'live-started']));
    expect(
      await page.locator('[data-testid=step-row][data-step=capital-raised]').last().textContent(),
    ).toContain('capital raised to 100%');
    expect((await page.locator('[data-testid=graduation-fraction]').textContent())?.trim()).toMatch(/^100%/);
    expect(await page.locator('[data-testid=graduation-decision]').textContent()).toContain(
      'browser approval',
    );

    // The live bot is linked, trades through the trader's venue account at the whole target.
    expect(g.liveBotId).not.toBeNull();
    const link = page.locator('[data-testid=bot-link-live]');
    expect(await link.getAttribute('href')).toBe(`/bots/${g.liveBotId}`);
    const bot = (await admin.json<BotDto>('GET', `/api/bots/${g.liveBotId}`)).body;
    expect(bot.mode).toBe('live');
    expect(bot.venueAccountId).toBe(account.id);
    expect(bot.capital).toBe(10_000);
    await page.screenshot({ path: resolve(artifacts, 'graduation-live.png'), fullPage: true });
  });

  it('shows a graduation whose paper period misses a criterion as failed, naming it, and stops polling', async () => {
    const res = await trader.json<GraduationDto>('POST', '/api/graduations', {
      backtestId,
      venueAccountId: account.id,
      targetCapital: 10_000,
      criteria: { ...CRITERIA, minTrades: 100_000 },
      periods: PERIODS,
      feed: { stepMs: 100 },
    });
    expect(res.status).toBe(201);
    const id = res.body.id;

    // Back as the trader, from the list.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    await login(page, TRADER);
    await page.waitForURL(/\/jobs$/);
    await page.locator('[data-testid=nav-graduations]').click();
    await page.waitForURL(/\/graduations$/);
    const rows = page.locator('[data-testid=graduation-row]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=graduation-row]').length === 2);
    // Newest first.
    expect(await rows.first().getAttribute('data-graduation-id')).toBe(id);
    expect(await rows.nth(1).getAttribute('data-graduation-id')).toBe(graduationId);
    expect(await rows.nth(1).locator('[data-testid=graduation-status]').getAttribute('data-status')).toBe(
      'live',
    );
    expect((await rows.nth(1).locator('[data-testid=graduation-fraction]').textContent())?.trim()).toBe(
      '100%',
    );
    await page.screenshot({ path: resolve(artifacts, 'graduations-list.png'), fullPage: true });
    await rows.first().locator('[data-testid=graduation-link]').click();
    await page.waitForURL(new RegExp(`/graduations/${id}$`));

    await untilStatus('failed');
    const failing = page.locator('[data-testid=criterion-row][data-name=minTrades]');
    await failing.waitFor();
    expect(await failing.getAttribute('data-pass')).toBe('false');
    expect((await failing.locator('[data-testid=criterion-result]').textContent())?.trim()).toBe('fail');
    expect(await page.locator('[data-testid=criterion-row][data-pass=false]').count()).toBe(1);
    expect(await page.locator('.head [data-testid=graduation-reason]').textContent()).toContain('minTrades');
    const g = await getGraduation(id);
    expect(g.status).toBe('failed');
    expect(g.evaluation?.criteria.find((c) => c.name === 'minTrades')?.pass).toBe(false);
    expect(g.liveBotId).toBeNull();
    expect(await page.locator('[data-testid=decision-approve]').count()).toBe(0);
    await page.screenshot({ path: resolve(artifacts, 'graduation-failed.png'), fullPage: true });

    // A final graduation is not read again.
    let reads = 0;
    const count = (r: { url(): string }): void => {
      if (r.url().includes(`/api/graduations/${id}`)) reads++;
    };
    page.on('request', count);
    await page.waitForTimeout(3000);
    page.off('request', count);
    expect(reads).toBe(0);

    expect(consoleErrors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });
});
