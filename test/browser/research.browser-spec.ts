/// <reference lib="dom" />
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type BacktestReportDto,
  type JobDto,
  type MonteCarloReportDto,
  type Page as ResultPage,
  type SweepReportDto,
  type SweepResultRow,
  type WalkForwardReportDto,
} from '@gauntlet/contracts';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ApiClient, AppStack, USERS, waitForJob } from '../support/app-stack';
import { artifacts, ensureWebBuild, launchBrowser, login, waitForInk, webRoot } from './helpers';
import { startWebServer } from './static-server';

/**
 * The research reports end to end: sweep, walk-forward and Monte Carlo jobs are created through
 * the API on two months of seeded one-minute bars, then Chromium reads their report pages from
 * the production web build against the real API, worker, PostgreSQL, Redis and Temporal.
 */
const RANGE = { start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 2, 1) };
const BASE = {
  strategy: 'sma-crossover',
  instrument: 'demo:BTCUSDT',
  timeframe: '1h',
  from: '2024-01-01T00:00:00Z',
  to: '2024-03-01T00:00:00Z',
  initialCash: 10000,
  fees: { commission: 0.001 },
  fixed: { direction: 'long-short' },
};
const FAST = [5, 10, 15, 20];
const SLOW = [30, 40, 50];

async function allResults(api: ApiClient, id: string): Promise<SweepResultRow[]> {
  const { body } = await api.json<ResultPage<SweepResultRow>>('GET', `/api/sweeps/${id}/results?limit=1000`);
  return body.items;
}

async function tableIndices(page: Page): Promise<number[]> {
  const ids = await page
    .locator('[data-testid=result-row]')
    .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-index'))));
  return ids;
}

describe('research reports in a browser', () => {
  const stack = new AppStack();
  let web: { url: string; close(): Promise<void> };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let alice: ApiClient;
  let sweepId = '';
  let wfId = '';
  let mcId = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(artifacts, { recursive: true });
    await stack.setup({ demoBars: RANGE });
    web = await startWebServer(webRoot, stack.apiUrl);
    ({ browser, context } = await launchBrowser());
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    alice = await ApiClient.login(stack.apiUrl, USERS.alice);

    const sweep = await alice.json<JobDto>('POST', '/api/sweeps', {
      ...BASE,
      space: {
        kind: 'grid',
        axes: [
          { name: 'fast', values: FAST },
          { name: 'slow', values: SLOW },
        ],
      },
      objective: 'returnPct',
    });
    expect(sweep.status).toBe(202);
    sweepId = sweep.body.id;
    const backtest = await alice.json<JobDto>('POST', '/api/backtests', {
      ...BASE,
      fixed: undefined,
      params: { fast: 10, slow: 30, direction: 'long-short' },
    });
    expect(backtest.status).toBe(202);
    const wf = await alice.json<JobDto>('POST', '/api/walk-forwards', {
      ...BASE,
      space: {
        kind: 'grid',
        axes: [
          { name: 'fast', values: [5, 10, 15] },
          { name: 'slow', values: [30, 40] },
        ],
      },
      objective: 'returnPct',
      mode: 'rolling',
      inSampleDays: 20,
      outOfSampleDays: 10,
    });
    expect(wf.status).toBe(202);
    wfId = wf.body.id;
    expect((await waitForJob(alice, backtest.body.id)).status).toBe('completed');
    const mc = await alice.json<JobDto>('POST', '/api/monte-carlo', {
      backtestId: backtest.body.id,
      method: 'shuffle',
      runs: 300,
      seed: 7,
    });
    expect(mc.status).toBe(202);
    mcId = mc.body.id;
    for (const id of [sweepId, wfId, mcId]) expect((await waitForJob(alice, id)).status).toBe('completed');
  }, 600_000);

  afterAll(async () => {
    writeFileSync(resolve(artifacts, 'research-browser-stack.log'), stack.logs.join(''));
    await browser?.close();
    await web?.close();
    await stack.teardown();
  });

  it('draws the sweep heat map with one cell per grid point and the same table as the API', async () => {
    await page.goto(`${web.url}/login`);
    await login(page, USERS.alice);
    await page.waitForURL(/\/jobs$/);
    await page.goto(`${web.url}/sweeps/${sweepId}`);
    const heat = page.locator('[data-testid=sweep-heatmap]');
    await heat.waitFor();
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid=sweep-heatmap]')?.getAttribute('data-cells') === String(n),
      FAST.length * SLOW.length,
    );
    expect(await heat.getAttribute('data-x-values')).toBe(String(FAST.length));
    expect(await heat.getAttribute('data-y-values')).toBe(String(SLOW.length));
    expect(await waitForInk(page, '[data-testid=sweep-heatmap]', 0.05)).toBeGreaterThan(0.05);

    const rows = await allResults(alice, sweepId);
    expect(rows).toHaveLength(FAST.length * SLOW.length);
    await page.locator('[data-testid=result-row]').first().waitFor();
    expect(await page.locator('[data-testid=result-row]').count()).toBe(FAST.length * SLOW.length);
    expect(await page.textContent('[data-testid=results-total]')).toContain(String(rows.length));

    // The overfitting figures and their sentence, as the API reports them.
    const { body: report } = await alice.json<SweepReportDto>('GET', `/api/sweeps/${sweepId}`);
    expect(report.trials).toBe(rows.length);
    if (report.overfitting) {
      await page.locator('[data-testid=overfitting-reading]').waitFor();
      expect((await page.textContent('[data-testid=overfitting-reading]'))?.trim()).toBe(
        report.overfitting.reading,
      );
      expect(await page.textContent('[data-testid=trials]')).toBe(String(report.overfitting.trials));
    }
    await page.waitForTimeout(300);
    await page.screenshot({ path: resolve(artifacts, 'sweep-report.png'), fullPage: true });
  });

  it('sorts the results table on the server, in the order of the values', async () => {
    const rows = await allResults(alice, sweepId);
    const byIndex = new Map(rows.map((r) => [r.index, r]));
    const header = page.locator('[data-testid=sweep-table] th', { hasText: 'Return %' });

    await header.click();
    await page.waitForSelector('[data-testid=sweep-table] th[aria-sort=descending]:has-text("Return %")');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=result-row]').length > 0);
    let shown = await tableIndices(page);
    const desc = shown.map((i) => byIndex.get(i)?.metrics.returnPct ?? null);
    expect(desc.every((v) => v !== null)).toBe(true);
    // Non-increasing, by the API's own numbers for each row shown, and the same set of cells.
    for (let k = 1; k < desc.length; k++)
      expect(desc[k] as number).toBeLessThanOrEqual(desc[k - 1] as number);
    expect([...shown].sort((a, b) => a - b)).toEqual(rows.map((r) => r.index).sort((a, b) => a - b));

    await header.click();
    await page.waitForSelector('[data-testid=sweep-table] th[aria-sort=ascending]:has-text("Return %")');
    await page.waitForFunction(
      (first) =>
        document.querySelector('[data-testid=result-row]')?.getAttribute('data-index') !== String(first),
      shown[0],
    );
    shown = await tableIndices(page);
    const asc = shown.map((i) => byIndex.get(i)?.metrics.returnPct as number);
    for (let k = 1; k < asc.length; k++)
      expect(asc[k] as number).toBeGreaterThanOrEqual(asc[k - 1] as number);
    expect(asc[0]).toBe(Math.min(...rows.map((r) => r.metrics.returnPct as number)));
  });

  it('opens the clicked heat-map cell and table row, and runs that cell as a backtest', async () => {
    const rows = await allResults(alice, sweepId);
    const heat = page.locator('[data-testid=sweep-heatmap]');
    const canvas = page.locator('[data-testid=sweep-heatmap] canvas').first();
    const box = await canvas.boundingBox();
    if (!box) throw new Error('heat map has no box');
    const [left, top, right, bottom] = ((await heat.getAttribute('data-grid')) ?? '')
      .split(',')
      .map(Number) as [number, number, number, number];
    // fast = 10 is the second x category, slow = 50 the third y category (y runs bottom to top).
    const xi = FAST.indexOf(10);
    const yi = SLOW.indexOf(50);
    const cw = (box.width - left - right) / FAST.length;
    const ch = (box.height - top - bottom) / SLOW.length;
    await page.mouse.click(box.x + left + (xi + 0.5) * cw, box.y + top + (SLOW.length - 1 - yi + 0.5) * ch);
    const params = page.locator('[data-testid=cell-params]');
    await params.waitFor();
    expect((await params.locator('[data-param=fast] dd').textContent())?.trim()).toBe('10');
    expect((await params.locator('[data-param=slow] dd').textContent())?.trim()).toBe('50');
    const expected = rows.find((r) => r.params['fast'] === 10 && r.params['slow'] === 50);
    expect(await params.getAttribute('data-index')).toBe(String(expected?.index));

    // A table row opens its own cell.
    const row = page.locator('[data-testid=result-row]').nth(2);
    const rowIndex = Number(await row.getAttribute('data-index'));
    await row.click();
    await page.waitForSelector(`[data-testid=cell-params][data-index="${rowIndex}"]`);
    const picked = rows.find((r) => r.index === rowIndex) as SweepResultRow;
    expect((await params.locator('[data-param=fast] dd').textContent())?.trim()).toBe(
      String(picked.params['fast']),
    );
    expect((await params.locator('[data-param=slow] dd').textContent())?.trim()).toBe(
      String(picked.params['slow']),
    );

    await page.click('[data-testid=run-backtest]');
    await page.waitForURL(/\/backtests\/[^/]+$/, { timeout: 120_000 });
    const backtestId = page.url().split('/').pop() as string;
    await page.waitForSelector('[data-testid=metrics]');
    const { body: bt } = await alice.json<BacktestReportDto>('GET', `/api/backtests/${backtestId}`);
    expect(bt.request.params).toEqual(picked.params);
    expect(bt.request.from).toBe(BASE.from.replace('Z', '.000Z'));
    // The sweep's fast kernel and the backtest report agree on the cell's trade count.
    expect(bt.metrics.tradeCount).toBe(picked.metrics.tradeCount);
  });

  it('shows one timeline entry per walk-forward fold, with links to the fold sweeps', async () => {
    const { body: wf } = await alice.json<WalkForwardReportDto>('GET', `/api/walk-forwards/${wfId}`);
    expect(wf.folds.length).toBe(4);
    await page.goto(`${web.url}/walk-forwards/${wfId}`);
    await page.locator('[data-testid=fold-entry]').first().waitFor();
    expect(await page.locator('[data-testid=fold-entry]').count()).toBe(wf.folds.length);
    expect(await page.locator('[data-testid=fold-row]').count()).toBe(wf.folds.length);
    const links = await page
      .locator('[data-testid=fold-row] [data-testid=fold-sweep-link]')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(wf.folds.map((f) => `/sweeps/${f.sweepJobId}`));
    const eff = await page.locator('[data-testid=fold-efficiency]').allTextContents();
    expect(eff.map((t) => t.trim())).toEqual(
      wf.folds.map((f) =>
        f.efficiency === null
          ? '—'
          : f.efficiency.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
      ),
    );
    // The overfitting statistics of the folds' searches, with their plain reading.
    expect(wf.overfitting).toBeTruthy();
    expect((await page.locator('[data-testid=wf-trials]').textContent())?.trim()).toBe(
      String(wf.overfitting!.trials),
    );
    expect(wf.overfitting!.trials).toBe(wf.trials);
    expect((await page.locator('[data-testid=wf-overfitting-reading]').textContent())?.trim()).toBe(
      wf.overfitting!.reading,
    );
    expect(await page.locator('[data-testid=wf-overfitting-fold]').count()).toBe(wf.folds.length);
    expect(await waitForInk(page, '[data-testid=wf-equity]')).toBeGreaterThan(0.01);
    expect(await waitForInk(page, '[data-testid=wf-returns]')).toBeGreaterThan(0.01);
    await page.waitForTimeout(300);
    await page.screenshot({ path: resolve(artifacts, 'walk-forward-report.png'), fullPage: true });

    // A fold's sweep opens its own report, which links back to the walk-forward.
    await page.locator('[data-testid=fold-row] [data-testid=fold-sweep-link]').first().click();
    await page.waitForURL(new RegExp(`/sweeps/${wf.folds[0]?.sweepJobId}$`));
    await page.locator('[data-testid=sweep-heatmap]').waitFor();
    expect(await page.getAttribute('[data-testid=parent-link]', 'href')).toBe(`/walk-forwards/${wfId}`);
  });

  it('shows the Monte Carlo fan charts, histograms and probability of ruin', async () => {
    const { body: mc } = await alice.json<MonteCarloReportDto>('GET', `/api/monte-carlo/${mcId}`);
    await page.goto(`${web.url}/monte-carlo/${mcId}`);
    const fan = page.locator('[data-testid=mc-fan]');
    await fan.waitFor();
    expect(await fan.getAttribute('data-steps')).toBe(String(mc.trades + 1));
    expect(await waitForInk(page, '[data-testid=mc-fan]')).toBeGreaterThan(0.02);
    expect(await waitForInk(page, '[data-testid=mc-drawdown-fan]')).toBeGreaterThan(0.01);
    for (const [id, h] of [
      ['mc-return-histogram', mc.finalReturnHistogram],
      ['mc-drawdown-histogram', mc.maxDrawdownHistogram],
    ] as const) {
      expect(await page.getAttribute(`[data-testid=${id}]`, 'data-bars')).toBe(String(h.counts.length));
      expect(h.counts.reduce((a, b) => a + b, 0)).toBe(mc.runs);
      expect(await waitForInk(page, `[data-testid=${id}]`)).toBeGreaterThan(0.005);
    }
    expect((await page.textContent('[data-testid=ruin]'))?.trim()).toBe(
      `${(mc.probabilityOfRuin * 100).toFixed(1)}%`,
    );
    await page.waitForTimeout(300);
    await page.screenshot({ path: resolve(artifacts, 'monte-carlo-report.png'), fullPage: true });
  });

  it('lists the fold sweeps under their walk-forward on the jobs page, each linked to its report', async () => {
    const { body: wf } = await alice.json<WalkForwardReportDto>('GET', `/api/walk-forwards/${wfId}`);
    await page.goto(`${web.url}/jobs`);
    await page.locator(`tr[data-job-id="${wfId}"]`).waitFor();
    const order = await page
      .locator('tr[data-job-id]')
      .evaluateAll((trs) =>
        trs.map((t) => [t.getAttribute('data-job-id'), t.getAttribute('data-parent-id')]),
      );
    const at = order.findIndex(([id]) => id === wfId);
    // The folds follow their walk-forward directly, oldest first.
    expect(order.slice(at + 1, at + 1 + wf.folds.length)).toEqual(wf.folds.map((f) => [f.sweepJobId, wfId]));
    const hrefs = await page.$$eval('tr[data-job-id] [data-testid=open-report]', (as) =>
      as.map((a): [string, string] => [
        a.closest('tr')?.getAttribute('data-job-id') ?? '',
        a.getAttribute('href') ?? '',
      ]),
    );
    const link = new Map(hrefs);
    expect(link.get(wfId)).toBe(`/walk-forwards/${wfId}`);
    expect(link.get(sweepId)).toBe(`/sweeps/${sweepId}`);
    expect(link.get(mcId)).toBe(`/monte-carlo/${mcId}`);
    for (const f of wf.folds) expect(link.get(f.sweepJobId)).toBe(`/sweeps/${f.sweepJobId}`);
    await page.screenshot({ path: resolve(artifacts, 'jobs-nested.png'), fullPage: true });
  });

  it('keeps a running sweep’s progress live across an API restart, in the same document', async () => {
    // Held back until the page is open, so the sweep is seen from its start.
    await stack.stopWorker();
    const fast = Array.from({ length: 16 }, (_, i) => 2 + 2 * i);
    const slow = Array.from({ length: 12 }, (_, i) => 40 + 20 * i);
    const created = await alice.json<JobDto>('POST', '/api/sweeps', {
      ...BASE,
      timeframe: '1m',
      space: {
        kind: 'grid',
        axes: [
          { name: 'fast', values: fast },
          { name: 'slow', values: slow },
        ],
      },
      batchSize: 3,
    });
    expect(created.status).toBe(202);
    const id = created.body.id;
    await page.goto(`${web.url}/sweeps/${id}`);
    await page.locator('[data-testid=job-status][data-status=queued]').waitFor();
    await page.evaluate(() => {
      const w = window as unknown as { __restart: boolean; __progress: { v: number; after: boolean }[] };
      w.__restart = false;
      w.__progress = [];
      const bar = document.querySelector('[data-testid=job-progress]') as Element;
      new MutationObserver(() => {
        w.__progress.push({ v: Number(bar.getAttribute('aria-valuenow')), after: w.__restart });
      }).observe(bar, { attributes: true, attributeFilter: ['aria-valuenow'] });
    });
    stack.startWorker();
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=job-progress]')?.getAttribute('aria-valuenow')) >= 1,
      null,
      { timeout: 120_000, polling: 100 },
    );
    // The worker pauses across the restart: on two slow cores the sweep could otherwise finish
    // while the API is away, and there would be nothing left to watch arrive.
    await stack.stopWorker();
    const before = Number(await page.getAttribute('[data-testid=job-progress]', 'aria-valuenow'));
    expect(await page.getAttribute('[data-testid=job-status]', 'data-status')).toBe('running');
    await stack.stopApi();
    await page.evaluate(() => ((window as unknown as { __restart: boolean }).__restart = true));
    stack.startApi();
    await stack.waitForApi();
    stack.startWorker();
    await page.locator('[data-testid=job-status][data-status=completed]').waitFor({ timeout: 240_000 });
    expect(await page.getAttribute('[data-testid=job-progress]', 'aria-valuenow')).toBe('100');
    const seen = await page.evaluate(() => {
      const w = window as unknown as { __restart?: boolean; __progress: { v: number; after: boolean }[] };
      return { sameDocument: w.__restart === true, progress: w.__progress };
    });
    expect(seen.sameDocument).toBe(true);
    const after = seen.progress.filter((p) => p.after).map((p) => p.v);
    console.log(`progress before restart ${before}%, after: ${after.join(', ')}`);
    expect(before).toBeLessThan(100);
    // Updates kept coming after the restart, rising to 100.
    expect(after.filter((v) => v > before && v < 100).length).toBeGreaterThanOrEqual(1);
    expect(after[after.length - 1]).toBe(100);
    for (let k = 1; k < after.length; k++)
      expect(after[k] as number).toBeGreaterThanOrEqual(after[k - 1] as number);
    // And the heat map filled in with every cell once it finished.
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid=sweep-heatmap]')?.getAttribute('data-cells') === String(n),
      fast.length * slow.length,
      { timeout: 30_000 },
    );
    expect(await waitForInk(page, '[data-testid=sweep-heatmap]', 0.05)).toBeGreaterThan(0.05);
    await page.screenshot({ path: resolve(artifacts, 'sweep-after-restart.png'), fullPage: true });
  });

  it('logged no errors in the browser console', () => {
    // 502s are the proxy's answers while the API is stopped on purpose.
    const unexpected = consoleErrors.filter((e) => !/status of (400|401|404|502)/.test(e));
    expect(unexpected).toEqual([]);
  });
});
