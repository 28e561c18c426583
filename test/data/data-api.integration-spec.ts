import {
  type BarDto,
  type ErrorResponse,
  type FundingRateDto,
  type ImportResultDto,
  type InstrumentCoverageDto,
} from '@gauntlet/contracts';
import {
  Float64,
  RecordBatchFileWriter,
  Table,
  TimestampMillisecond,
  makeData,
  makeVector,
  tableFromIPC,
} from 'apache-arrow';
import { ApiClient, AppStack, USERS } from '../support/app-stack';

/** `POST /api/data/imports` (multipart, size-limited) and `GET /api/data/coverage` on the built API. */
describe('data API', () => {
  const stack = new AppStack();
  let alice: ApiClient;
  let aliceToken: string;
  let viewerToken: string;
  const saved = process.env['IMPORT_MAX_BYTES'];

  beforeAll(async () => {
    process.env['IMPORT_MAX_BYTES'] = '4096';
    await stack.setup();
    aliceToken = await token(USERS.alice);
    viewerToken = await token(USERS.viewer);
    alice = new ApiClient(stack.apiUrl, aliceToken);
  }, 120_000);

  afterAll(async () => {
    if (saved === undefined) delete process.env['IMPORT_MAX_BYTES'];
    else process.env['IMPORT_MAX_BYTES'] = saved;
    await stack.teardown();
  });

  function csv(minutes: number[], bad: Record<number, string> = {}): string {
    const rows = ['timestamp,open,high,low,close,volume'];
    minutes.forEach((m, i) => {
      const t = new Date(Date.UTC(2024, 5, 1, 0, m)).toISOString();
      rows.push(bad[i] ?? `${t},10,11,9,10.5,${i + 1}`);
    });
    return `${rows.join('\n')}\n`;
  }

  async function token(user: (typeof USERS)[keyof typeof USERS]): Promise<string> {
    const res = await fetch(`${stack.apiUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    return ((await res.json()) as { accessToken: string }).accessToken;
  }

  async function upload(
    bearer: string,
    text: string | Uint8Array,
    fields: Record<string, string>,
  ): Promise<{ status: number; body: ImportResultDto & { message?: string } }> {
    const form = new FormData();
    const part = typeof text === 'string' ? text : Uint8Array.from(text);
    form.append('file', new Blob([part]), typeof text === 'string' ? 'bars.csv' : 'funding.feather');
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    const res = await fetch(`${stack.apiUrl}/api/data/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}` },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as ImportResultDto & { message?: string } };
  }

  it('imports a small CSV, reports gaps in coverage, and refuses a bad file with every bad row', async () => {
    // Minutes 0-4, then 10-11: one gap of 5 missing bars (00:05 to 00:10).
    const good = await upload(aliceToken, csv([0, 1, 2, 3, 4, 10, 11]), {
      exchange: 'test',
      symbol: 'APIUSDT',
    });
    expect(good.status).toBe(201);
    expect(good.body).toMatchObject({
      status: 'imported',
      imported: 7,
      skipped: 0,
      instrumentId: 'test:APIUSDT',
    });

    const again = await upload(aliceToken, csv([0, 1, 2, 3, 4, 10, 11]), {
      exchange: 'test',
      symbol: 'APIUSDT',
    });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('unchanged');

    const coverage = await alice.json<InstrumentCoverageDto[]>(
      'GET',
      '/api/data/coverage?instrument=test:APIUSDT',
    );
    expect(coverage.status).toBe(200);
    expect(coverage.body).toEqual([
      expect.objectContaining({
        instrumentId: 'test:APIUSDT',
        firstBar: '2024-06-01T00:00:00.000Z',
        lastBar: '2024-06-01T00:11:00.000Z',
        barCount: 7,
        gaps: [{ from: '2024-06-01T00:05:00.000Z', to: '2024-06-01T00:10:00.000Z', missingBars: 5 }],
        gapsTruncated: false,
      }),
    ]);
    const wide = await alice.json<InstrumentCoverageDto[]>(
      'GET',
      '/api/data/coverage?instrument=test:APIUSDT&minMissingBars=5',
    );
    expect(wide.body[0]?.gaps).toEqual([]);

    const bad = await upload(aliceToken, csv([0, 1, 2], { 1: '2024-06-01T00:01:00Z,10,11,9,10.5,-1' }), {
      exchange: 'test',
      symbol: 'APIBAD',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.status).toBe('rejected');
    expect(bad.body.report.errors).toEqual([expect.objectContaining({ line: 3, code: 'negative-volume' })]);
    const none = await alice.json<InstrumentCoverageDto[]>(
      'GET',
      '/api/data/coverage?instrument=test:APIBAD',
    );
    expect(none.body).toEqual([]);
  });

  it('answers 413 past IMPORT_MAX_BYTES and 403 for a viewer', async () => {
    const big = csv(Array.from({ length: 200 }, (_, i) => i));
    expect(big.length).toBeGreaterThan(4096);
    const tooBig = await upload(aliceToken, big, { exchange: 'test', symbol: 'BIGUSDT' });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.message).toMatch(/IMPORT_MAX_BYTES/);
    const denied = await upload(viewerToken, csv([0]), { exchange: 'test', symbol: 'VIEWUSDT' });
    expect(denied.status).toBe(403);
  });

  /** A small Arrow file of funding rates: millisecond timestamps in `date`, rates in `open`. */
  function fundingFile(times: number[], rates: number[]): Uint8Array {
    const date = makeVector(
      makeData({
        type: new TimestampMillisecond('UTC'),
        length: times.length,
        nullCount: 0,
        data: BigInt64Array.from(times, (t) => BigInt(t)),
      }),
    );
    const open = makeVector(
      makeData({ type: new Float64(), length: rates.length, data: Float64Array.from(rates) }),
    );
    const writer = new RecordBatchFileWriter();
    writer.write(new Table({ date, open }));
    writer.finish();
    return writer.toUint8Array(true);
  }

  it('imports funding rates and serves them by range', async () => {
    const h8 = 8 * 3600_000;
    const t0 = Date.UTC(2024, 6, 1);
    const times = [0, 1, 2, 3].map((i) => t0 + i * h8);
    const rates = [0.0001, -0.00005, 0.0002, 0.000125];
    const file = fundingFile(times, rates);
    const fields = { series: 'funding', exchange: 'test', symbol: 'FUNDUSDT' };
    const first = await upload(aliceToken, file, fields);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'imported', series: 'funding', timeframe: null, imported: 4 });
    const again = await upload(aliceToken, file, fields);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('unchanged');

    const from = new Date(times[1]!).toISOString();
    const to = new Date(times[3]!).toISOString();
    const got = await alice.json<FundingRateDto[]>(
      'GET',
      `/api/data/funding?instrument=test:FUNDUSDT&from=${from}&to=${to}`,
    );
    expect(got.status).toBe(200);
    expect(got.body).toEqual([
      { time: new Date(times[1]!).toISOString(), rate: rates[1] },
      { time: new Date(times[2]!).toISOString(), rate: rates[2] },
    ]);
    const bad = await alice.json<ErrorResponse>('GET', '/api/data/funding?instrument=test:FUNDUSDT&from=x');
    expect(bad.status).toBe(400);
    expect(bad.body.details?.map((d) => d.field).sort()).toEqual(['from', 'to']);
    const unknown = await alice.json('GET', `/api/data/funding?instrument=test:NOPE&from=${from}&to=${to}`);
    expect(unknown.status).toBe(404);
    const refused = await upload(aliceToken, file, { ...fields, timeframe: '1h' });
    expect(refused.status).toBe(400);
    const coverage = await alice.json<InstrumentCoverageDto[]>(
      'GET',
      '/api/data/coverage?instrument=test:FUNDUSDT',
    );
    expect(coverage.body[0]).toMatchObject({
      barCount: 0,
      timeframes: [],
      fundingRates: {
        first: new Date(times[0]!).toISOString(),
        last: new Date(times[3]!).toISOString(),
        count: 4,
      },
    });
  });

  it('imports 1-hour bars natively and serves them from GET /api/bars with their source', async () => {
    const rows = ['timestamp,open,high,low,close,volume'];
    // 2024-07-02 00:00 … 07:00, hour 3 missing.
    for (const h of [0, 1, 2, 4, 5, 6, 7]) {
      rows.push(
        `${new Date(Date.UTC(2024, 6, 2, h)).toISOString()},${100 + h},${103 + h},${99 + h},${101 + h},${h + 1}`,
      );
    }
    const text = `${rows.join('\n')}\n`;
    const asMinutes = await upload(aliceToken, text, { exchange: 'test', symbol: 'HOURUSDT' });
    expect(asMinutes.status).toBe(400);
    expect(asMinutes.body.message).toContain('not a 1-minute file');
    const imported = await upload(aliceToken, text, {
      exchange: 'test',
      symbol: 'HOURUSDT',
      timeframe: '1h',
    });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ series: 'bars', timeframe: '1h', imported: 7 });

    const q = '/api/bars?instrument=test:HOURUSDT&from=2024-07-02T00:00:00Z&to=2024-07-03T00:00:00Z';
    const res = await alice.request('GET', `${q}&timeframe=1h`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-bars-source')).toBe('native-1h');
    const hourly = (await res.json()) as BarDto[];
    expect(hourly.map((b) => b.time.slice(11, 13))).toEqual(['00', '01', '02', '04', '05', '06', '07']);
    expect(hourly[3]).toEqual({
      time: '2024-07-02T04:00:00.000Z',
      open: 104,
      high: 107,
      low: 103,
      close: 105,
      volume: 5,
    });
    // The same bars as an Arrow IPC stream: time as epoch milliseconds, then the prices and volume.
    const arrow = await alice.request('GET', `${q}&timeframe=1h`, undefined, {
      accept: 'application/vnd.apache.arrow.stream',
    });
    expect(arrow.status).toBe(200);
    expect(arrow.headers.get('content-type')).toContain('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await arrow.arrayBuffer()));
    expect(table.numRows).toBe(7);
    expect(Array.from(table.getChild('time')!.toArray() as Float64Array)).toEqual(
      hourly.map((b) => Date.parse(b.time)),
    );
    expect(Array.from(table.getChild('close')!.toArray() as Float64Array)).toEqual([
      101, 102, 103, 105, 106, 107, 108,
    ]);
    expect(Array.from(table.getChild('volume')!.toArray() as Float64Array)).toEqual([1, 2, 3, 5, 6, 7, 8]);
    // 4h buckets 00:00 (hours 0-2) and 04:00 (hours 4-7).
    const four = await alice.request('GET', `${q}&timeframe=4h`);
    expect(four.headers.get('x-bars-source')).toBe('native-1h');
    expect(await four.json()).toEqual([
      { time: '2024-07-02T00:00:00.000Z', open: 100, high: 105, low: 99, close: 103, volume: 6 },
      { time: '2024-07-02T04:00:00.000Z', open: 104, high: 110, low: 103, close: 108, volume: 26 },
    ]);
    const minutes = await alice.request('GET', `${q}&timeframe=1m`);
    expect(minutes.headers.get('x-bars-source')).toBe('none');
    expect(await minutes.json()).toEqual([]);

    const coverage = await alice.json<InstrumentCoverageDto[]>(
      'GET',
      '/api/data/coverage?instrument=test:HOURUSDT&timeframe=1h&minMissingBars=0',
    );
    expect(coverage.body[0]!.timeframes).toEqual([
      {
        timeframe: '1h',
        source: '1h',
        firstBar: '2024-07-02T00:00:00.000Z',
        lastBar: '2024-07-02T07:00:00.000Z',
        barCount: 7,
        gaps: [{ from: '2024-07-02T03:00:00.000Z', to: '2024-07-02T04:00:00.000Z', missingBars: 1 }],
        gapsTruncated: false,
      },
    ]);
    const badTf = await alice.json<ErrorResponse>('GET', '/api/data/coverage?timeframe=2h');
    expect(badTf.status).toBe(400);
    expect(badTf.body.details).toEqual([expect.objectContaining({ field: 'timeframe' })]);
  });
});
