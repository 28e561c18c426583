import { type ImportResultDto, type InstrumentCoverageDto } from '@gauntlet/contracts';
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
    text: string,
    fields: Record<string, string>,
  ): Promise<{ status: number; body: ImportResultDto & { message?: string } }> {
    const form = new FormData();
    form.append('file', new Blob([text], { type: 'text/csv' }), 'bars.csv');
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
});
