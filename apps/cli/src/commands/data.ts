import { loadConfig } from '@gauntlet/config';
import { type InstrumentKind, type Timeframe, TIMEFRAMES } from '@gauntlet/contracts';
import {
  type BarExportFormat,
  BinanceAdapter,
  BybitAdapter,
  type ExchangeAdapter,
  type ImportBarsResult,
  type ImportFundingResult,
  ImportError,
  SharedRateLimiter,
  importBarsFile,
  importFundingFile,
  loadBars,
  rateLimitKey,
  syncBars,
  writeBarsFile,
} from '@gauntlet/market-data';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import {
  DataError,
  EXIT_DATA,
  EXIT_OK,
  UsageError,
  flag,
  numberOption,
  optionalString,
  parseOptions,
  requireString,
} from '../args';
import { type CliContext } from '../context';
import { issueLocation } from '../data';

export const DATA_HELP = `Usage: gauntlet data <import|export|sync> [options]

  gauntlet data import FILE --exchange E --symbol S [--timeframe 1m|5m|15m|1h|4h|1d]
                            [--series bars|funding] [--skip-invalid] [--kind spot|perpetual]
                            [--quote USDT] [--tick-size X] [--lot-size X] [--json]
      Validates a CSV, freqtrade JSON or Feather / Arrow IPC file of bars at the timeframe (or,
      with --series funding, a Feather / Arrow file of funding rates) and stores it in the
      database (DATABASE_URL, DATABASE_SCHEMA). A file with bad rows imports nothing and lists
      every problem, unless --skip-invalid keeps the good rows. Importing the same file again
      changes nothing.

  gauntlet data export --exchange E --symbol S --from DATE --to DATE [--timeframe 1m]
                       --format arrow|csv --out FILE
      Writes stored bars (resampled to the timeframe, from the series GET /api/bars would use)
      to an Arrow IPC or CSV file.

  gauntlet data sync --exchange bybit|binance --symbol S --from DATE [--to DATE]
                     [--kind spot|perpetual] [--funding]
      Fetches 1-minute bars (and funding rates) from the exchange into the database, resuming
      after the last stored bar. Base URLs and request budgets come from the configuration.
`;

function withPool<T>(fn: (pool: Pool, schema: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const pool = new Pool({
    connectionString: config.databaseUrl,
    max: 2,
    options: `-c search_path=${config.databaseSchema},public -c TimeZone=UTC`,
  });
  return fn(pool, config.databaseSchema).finally(() => pool.end());
}

function timeframeOption(value: string | undefined): Timeframe {
  const tf = value ?? '1m';
  if (!(TIMEFRAMES as readonly string[]).includes(tf))
    throw new UsageError(`--timeframe must be one of ${TIMEFRAMES.join(', ')}`);
  return tf as Timeframe;
}

function dateOption(value: string, name: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (!Number.isFinite(ms)) throw new UsageError(`${name} must be an ISO 8601 date, got "${value}"`);
  return ms;
}

async function importCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const file = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : undefined;
  const values = parseOptions(file === undefined ? argv : argv.slice(1), {
    exchange: { type: 'string' },
    symbol: { type: 'string' },
    timeframe: { type: 'string' },
    series: { type: 'string' },
    'skip-invalid': { type: 'boolean' },
    kind: { type: 'string' },
    quote: { type: 'string' },
    'tick-size': { type: 'string' },
    'lot-size': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (file === undefined) throw new UsageError('give the file to import: gauntlet data import FILE ...');
  const kind = optionalString(values, 'kind');
  if (kind !== undefined && kind !== 'spot' && kind !== 'perpetual')
    throw new UsageError('--kind must be spot or perpetual');
  const positive = { min: 0, minExclusive: true };
  const tickSize =
    values['tick-size'] === undefined ? undefined : numberOption(values, 'tick-size', 0, positive);
  const lotSize =
    values['lot-size'] === undefined ? undefined : numberOption(values, 'lot-size', 0, positive);
  const quote = optionalString(values, 'quote');
  const series = optionalString(values, 'series') ?? 'bars';
  if (series !== 'bars' && series !== 'funding') throw new UsageError('--series must be bars or funding');
  if (series === 'funding' && values['timeframe'] !== undefined)
    throw new UsageError('funding rates have no --timeframe');
  const input = {
    path: file,
    exchange: requireString(values, 'exchange'),
    symbol: requireString(values, 'symbol'),
    timeframe: timeframeOption(optionalString(values, 'timeframe')),
    skipInvalid: flag(values, 'skip-invalid'),
    ...(kind !== undefined ? { kind: kind as InstrumentKind } : {}),
    ...(quote !== undefined ? { quoteCurrency: quote } : {}),
    ...(tickSize !== undefined ? { tickSize } : {}),
    ...(lotSize !== undefined ? { lotSize } : {}),
  };
  let result: ImportBarsResult | ImportFundingResult;
  try {
    result = await withPool<ImportBarsResult | ImportFundingResult>((pool, schema) =>
      series === 'funding'
        ? importFundingFile(pool, schema, {
            path: input.path,
            exchange: input.exchange,
            symbol: input.symbol,
            skipInvalid: input.skipInvalid,
            ...(kind !== undefined ? { kind: kind as InstrumentKind } : {}),
            ...(quote !== undefined ? { quoteCurrency: quote } : {}),
          })
        : importBarsFile(pool, schema, input),
    );
  } catch (e) {
    if (e instanceof ImportError) throw new UsageError(e.message);
    if ((e as { code?: unknown }).code === 'ENOENT') throw new DataError(`${file}: no such file`);
    if (e instanceof Error && e.name === 'BarsFormatError') throw new DataError(`${file}: ${e.message}`);
    throw e;
  }
  if (flag(values, 'json')) ctx.io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  const { report } = result;
  for (const issue of report.errors) {
    ctx.io.stderr.write(`${issueLocation(file, report.position, issue)}: ${issue.reason}\n`);
  }
  const what = result.series === 'funding' ? 'funding rates' : `${result.timeframe} bars`;
  switch (result.status) {
    case 'rejected':
      ctx.io.stderr.write(`gauntlet data import: ${result.message ?? 'rejected'}\n`);
      return EXIT_DATA;
    case 'unchanged':
      if (!flag(values, 'json'))
        ctx.io.stdout.write(
          `${result.instrumentId}: ${file} is already the latest import of ${what}; nothing changed (data version ${result.dataVersion})\n`,
        );
      return EXIT_OK;
    case 'imported':
      if (!flag(values, 'json'))
        ctx.io.stdout.write(
          `${result.instrumentId}: imported ${result.imported} ${result.series === 'funding' ? 'funding rates' : 'bars'} from ${file} (${result.format})` +
            `${result.skipped ? `, skipped ${result.skipped} invalid rows` : ''}; data version ${result.dataVersion}\n`,
        );
      return EXIT_OK;
  }
}

async function exportCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseOptions(argv, {
    exchange: { type: 'string' },
    symbol: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    timeframe: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
  });
  const instrumentId = `${requireString(values, 'exchange').toLowerCase()}:${requireString(values, 'symbol').toUpperCase()}`;
  const from = dateOption(requireString(values, 'from'), '--from');
  const to = dateOption(requireString(values, 'to'), '--to');
  if (to <= from) throw new UsageError('--to must be after --from');
  const format = requireString(values, 'format');
  if (format !== 'arrow' && format !== 'csv') throw new UsageError('--format must be arrow or csv');
  const out = requireString(values, 'out');
  const timeframe = timeframeOption(optionalString(values, 'timeframe'));
  const { bars } = await withPool((pool, schema) =>
    loadBars(pool, schema, { instrumentId, timeframe, from, to }),
  );
  if (bars.length === 0) throw new DataError(`${instrumentId} has no ${timeframe} bars in that range`);
  await writeBarsFile(out, bars, { format: format as BarExportFormat });
  ctx.io.stdout.write(`wrote ${bars.length} ${timeframe} bars of ${instrumentId} to ${out}\n`);
  return EXIT_OK;
}

async function syncCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseOptions(argv, {
    exchange: { type: 'string' },
    symbol: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    kind: { type: 'string' },
    funding: { type: 'boolean' },
  });
  const exchange = requireString(values, 'exchange');
  const kind = optionalString(values, 'kind') ?? 'spot';
  if (kind !== 'spot' && kind !== 'perpetual') throw new UsageError('--kind must be spot or perpetual');
  const from = dateOption(requireString(values, 'from'), '--from');
  const toText = optionalString(values, 'to');
  const to = toText === undefined ? undefined : dateOption(toText, '--to');
  if (to !== undefined && to <= from) throw new UsageError('--to must be after --from');
  if (exchange !== 'bybit' && exchange !== 'binance')
    throw new UsageError('--exchange must be bybit or binance');
  const config = loadConfig();
  // The venue's request budget is the one the sync workers share (Redis), so a CLI sync running
  // beside them does not push the venue past its limit.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  redis.on('error', () => undefined);
  const limiter = new SharedRateLimiter(
    redis,
    rateLimitKey(config.redisPrefix, exchange),
    exchange === 'bybit' ? config.bybitRequestsPerMinute : config.binanceRequestsPerMinute,
  );
  const adapter: ExchangeAdapter =
    exchange === 'bybit'
      ? new BybitAdapter({ baseUrl: config.bybitBaseUrl, limiter })
      : new BinanceAdapter({
          baseUrl: config.binanceBaseUrl,
          futuresBaseUrl: config.binanceFuturesBaseUrl,
          limiter,
        });
  const result = await withPool((pool, schema) =>
    syncBars(
      pool,
      schema,
      adapter,
      {
        symbol: requireString(values, 'symbol'),
        kind,
        from,
        ...(to !== undefined ? { to } : {}),
        ...(flag(values, 'funding') ? { funding: true } : {}),
      },
      (p) => {
        if (ctx.io.progress)
          ctx.io.stderr.write(`\r${p.instrumentId}: ${(p.fraction * 100).toFixed(1)} % (${p.bars} bars)`);
      },
    ),
  ).finally(() => redis.disconnect());
  if (ctx.io.progress) ctx.io.stderr.write('\n');
  ctx.io.stdout.write(
    `${result.instrumentId}: stored ${result.bars} bars` +
      `${result.fundingRates ? ` and ${result.fundingRates} funding rates` : ''}` +
      ` from ${new Date(result.resumedFrom).toISOString()}; data version ${result.dataVersion}\n`,
  );
  return EXIT_OK;
}

export async function dataCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || rest.includes('--help')) {
    ctx.io.stdout.write(DATA_HELP);
    return EXIT_OK;
  }
  switch (sub) {
    case 'import':
      return importCommand(rest, ctx);
    case 'export':
      return exportCommand(rest, ctx);
    case 'sync':
      return syncCommand(rest, ctx);
    default:
      throw new UsageError(`unknown data command "${sub}" (import, export, sync)`);
  }
}
