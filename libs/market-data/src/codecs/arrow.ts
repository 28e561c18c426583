import { type Readable } from 'node:stream';
import {
  CompressionType,
  DateUnit,
  RecordBatch,
  RecordBatchFileWriter,
  RecordBatchStreamWriter,
  Table,
  TimeUnit,
  TimestampMillisecond,
  Type,
  type Vector,
  compressionRegistry,
  makeData,
  makeVector,
  tableFromIPC,
} from 'apache-arrow';
import { decompress as zstdDecompress } from 'fzstd';
import { decompress as lz4Decompress } from 'lz4js';
import { type BarField, type BarSeries, barsOfLength } from './bar-series';
import { BarsFormatError } from './errors';
import { type EpochUnit, epochToMs, guessEpochUnit, parseIsoTimestamp } from './timestamp';
import { type DecodedBars } from './validation';

let registered = false;

/**
 * Teaches apache-arrow to read compressed record batches (LZ4 frame and ZSTD), as pyarrow writes
 * Feather v2 files by default. Arrow keeps one global registry, so this is idempotent and every
 * Arrow entry point of this module calls it.
 */
export function registerArrowCodecs(): void {
  if (registered) return;
  compressionRegistry.set(CompressionType.LZ4_FRAME, {
    decode: (data: Uint8Array) => aligned(lz4Decompress(data)),
  });
  compressionRegistry.set(CompressionType.ZSTD, {
    decode: (data: Uint8Array) => aligned(zstdDecompress(data)),
  });
  registered = true;
}

/**
 * Arrow views decoded buffers as Float64Array/BigInt64Array in place, which needs an 8-byte
 * aligned offset; fzstd returns a view 12 bytes into its working buffer, so copy when needed.
 */
function aligned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
}

const TIME_NAMES = ['time', 'date', 'timestamp', 'datetime', 'open_time', 'ts', '__index_level_0__'];
const VALUE_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

export interface ArrowDecodeOptions {
  /** Unit of a numeric (non-timestamp) time column; default guessed from its first value. */
  timeUnit?: EpochUnit | 'auto';
}

/** Reads any Arrow IPC table (file or stream format) into a `Table`, with the codecs registered. */
export function readArrowTable(bytes: Uint8Array): Table {
  registerArrowCodecs();
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (e) {
    throw new BarsFormatError(`not a readable Arrow IPC / Feather file: ${(e as Error).message}`);
  }
  if (table.schema.fields.length === 0) {
    throw new BarsFormatError('not a readable Arrow IPC / Feather file: it has no columns');
  }
  return table;
}

function findColumn(table: Table, names: readonly string[]): number {
  const fields = table.schema.fields.map((f) => f.name.toLowerCase());
  for (const name of names) {
    const i = fields.indexOf(name);
    if (i >= 0) return i;
  }
  return -1;
}

/**
 * Feather v2 / Arrow IPC bars, as freqtrade and pandas write them: a `date` (or `time`,
 * `timestamp`, …) column of timestamps, dates, or epoch numbers, and `open`, `high`, `low`,
 * `close`, `volume` columns of any numeric type (column names are matched case-insensitively;
 * volume is optional). Nulls become NaN, which validation reports row by row.
 */
export function decodeArrowBars(bytes: Uint8Array, options: ArrowDecodeOptions = {}): DecodedBars {
  const table = readArrowTable(bytes);
  const names = table.schema.fields.map((f) => f.name);
  let timeIdx = findColumn(table, TIME_NAMES);
  if (timeIdx < 0) {
    timeIdx = table.schema.fields.findIndex((f) => f.typeId === Type.Timestamp || f.typeId === Type.Date);
  }
  if (timeIdx < 0) {
    throw new BarsFormatError(
      `no time column: expected one named ${TIME_NAMES.join(', ')} (columns: ${names.join(', ')})`,
    );
  }
  const n = table.numRows;
  const bars = barsOfLength(n);
  const columns: Partial<Record<BarField, number>> = { time: timeIdx + 1 };
  const unit = options.timeUnit && options.timeUnit !== 'auto' ? options.timeUnit : undefined;
  readTimeColumn(table.getChildAt(timeIdx)!, bars.time, names[timeIdx]!, unit);
  for (const field of VALUE_FIELDS) {
    const idx = findColumn(table, [field]);
    if (idx < 0) {
      if (field === 'volume') continue;
      throw new BarsFormatError(`no "${field}" column (columns: ${names.join(', ')})`);
    }
    columns[field] = idx + 1;
    readNumberColumn(table.getChildAt(idx)!, bars[field], names[idx]!);
  }
  return { bars, locator: { position: 'record', firstLine: 1, columns }, rows: n, issues: [] };
}

/** Funding rates as freqtrade stores them: the rate in `open` (or a `funding_rate`/`rate` column). */
export interface FundingRateSeries {
  /** Epoch ms of each funding event. */
  time: Float64Array;
  /** The rate as a fraction (0.0001 = 0.01%), paid by longs to shorts when positive. */
  rate: Float64Array;
  length: number;
}

export function decodeArrowFundingRates(
  bytes: Uint8Array,
  options: ArrowDecodeOptions = {},
): FundingRateSeries {
  const table = readArrowTable(bytes);
  const names = table.schema.fields.map((f) => f.name);
  const timeIdx = findColumn(table, TIME_NAMES);
  if (timeIdx < 0) throw new BarsFormatError(`no time column (columns: ${names.join(', ')})`);
  const rateIdx = findColumn(table, ['funding_rate', 'fundingrate', 'rate', 'open']);
  if (rateIdx < 0) throw new BarsFormatError(`no funding rate column (columns: ${names.join(', ')})`);
  const n = table.numRows;
  const out: FundingRateSeries = { time: new Float64Array(n), rate: new Float64Array(n), length: n };
  const unit = options.timeUnit && options.timeUnit !== 'auto' ? options.timeUnit : undefined;
  readTimeColumn(table.getChildAt(timeIdx)!, out.time, names[timeIdx]!, unit);
  readNumberColumn(table.getChildAt(rateIdx)!, out.rate, names[rateIdx]!);
  return out;
}

function markNulls(vector: Vector, out: Float64Array): void {
  if (vector.nullCount === 0) return;
  for (let i = 0; i < out.length; i++) if (!vector.isValid(i)) out[i] = NaN;
}

function readNumberColumn(vector: Vector, out: Float64Array, name: string): void {
  const typeId = vector.type.typeId as Type;
  if (typeId !== Type.Float && typeId !== Type.Int) {
    throw new BarsFormatError(`column "${name}" is ${String(vector.type)}, not a number`);
  }
  let at = 0;
  for (const data of vector.data) {
    const values = data.values as ArrayLike<number | bigint>;
    if (values instanceof Float64Array) {
      out.set(values.subarray(0, data.length), at);
    } else if (typeId === Type.Float && (data.type as { precision: number }).precision === 0) {
      // Half-precision floats are stored as raw uint16 bits; the vector's accessor decodes them.
      for (let j = 0; j < data.length; j++) out[at + j] = Number(vector.get(at + j));
    } else {
      for (let j = 0; j < data.length; j++) out[at + j] = Number(values[j]!);
    }
    at += data.length;
  }
  markNulls(vector, out);
}

function readTimeColumn(vector: Vector, out: Float64Array, name: string, unit: EpochUnit | undefined): void {
  const type = vector.type as { typeId: Type; unit?: number };
  let at = 0;
  switch (type.typeId) {
    case Type.Timestamp: {
      // Integer division in BigInt keeps whole milliseconds exact for nanosecond timestamps,
      // which exceed the 2^53 a double holds exactly.
      const div = [1000n, 1n, 1000n, 1_000_000n][type.unit!]!;
      const mul = type.unit === TimeUnit.SECOND;
      for (const data of vector.data) {
        const values = data.values as BigInt64Array;
        for (let j = 0; j < data.length; j++) {
          const v = values[j]!;
          out[at + j] = mul ? Number(v * div) : Number(v / div);
        }
        at += data.length;
      }
      break;
    }
    case Type.Date: {
      const perUnit = type.unit === DateUnit.DAY ? 86_400_000 : 1;
      for (const data of vector.data) {
        const values = data.values as ArrayLike<number | bigint>;
        for (let j = 0; j < data.length; j++) out[at + j] = Number(values[j]!) * perUnit;
        at += data.length;
      }
      break;
    }
    case Type.Int:
    case Type.Float: {
      readNumberColumn(vector, out, name);
      let u = unit;
      for (let i = 0; i < out.length; i++) {
        const v = out[i]!;
        if (!Number.isFinite(v)) continue;
        u ??= guessEpochUnit(v);
        out[i] = epochToMs(v, u);
      }
      break;
    }
    case Type.Utf8:
    case Type.LargeUtf8: {
      for (let i = 0; i < out.length; i++) {
        const s = vector.get(i) as string | null;
        out[i] = s === null ? NaN : parseIsoTimestamp(s.trim());
      }
      break;
    }
    default:
      throw new BarsFormatError(`column "${name}" is ${String(vector.type)}, not a time`);
  }
  markNulls(vector, out);
}

export interface ArrowEncodeOptions {
  /** `stream` (default): the IPC stream format, as served over HTTP; `file`: Feather v2. */
  format?: 'stream' | 'file';
  /** Rows per record batch. Default 65,536, so a reader can start before the end. */
  batchSize?: number;
  /**
   * `float64` (default): epoch milliseconds, the layout of the bars stream
   * (`BAR_ARROW_COLUMNS`); `timestamp`: a millisecond timestamp column with time zone UTC, which
   * pandas and pyarrow read as datetimes.
   */
  time?: 'float64' | 'timestamp';
}

/**
 * Encodes bars as Arrow IPC with the columns time, open, high, low, close, volume. Batches are
 * written uncompressed: apache-arrow 21 puts the compressed length in each compressed buffer's
 * 8-byte prefix, where the format asks for the uncompressed length, and readers that trust the
 * prefix (pyarrow) reject such files.
 */
export function encodeArrowBars(bars: BarSeries, options: ArrowEncodeOptions = {}): Uint8Array {
  return arrowBarsWriter(bars, options).toUint8Array(true);
}

/**
 * The same stream as `encodeArrowBars`, as a Node stream of the writer's pieces: the message
 * headers and views of the columns' own memory, so serving a million bars does not first copy
 * 48 MB into one buffer.
 */
export function encodeArrowBarsStream(
  bars: BarSeries,
  options: Omit<ArrowEncodeOptions, 'format'> = {},
): Readable {
  return arrowBarsWriter(bars, { ...options, format: 'stream' }).toNodeStream();
}

function arrowBarsWriter(
  bars: BarSeries,
  options: ArrowEncodeOptions,
): RecordBatchStreamWriter | RecordBatchFileWriter {
  registerArrowCodecs();
  const per = Math.max(1, options.batchSize ?? 65_536);
  const batches: RecordBatch[] = [];
  for (let start = 0; start < bars.length || (start === 0 && batches.length === 0); start += per) {
    const end = Math.min(bars.length, start + per);
    const t = bars.time.subarray(start, end);
    const time =
      options.time === 'timestamp'
        ? makeVector(
            makeData({
              type: new TimestampMillisecond('UTC'),
              length: t.length,
              nullCount: 0,
              data: BigInt64Array.from(t, (ms) => BigInt(Math.round(ms))),
            }),
          )
        : makeVector(t);
    batches.push(
      new RecordBatch({
        time: time.data[0]!,
        open: makeVector(bars.open.subarray(start, end)).data[0]!,
        high: makeVector(bars.high.subarray(start, end)).data[0]!,
        low: makeVector(bars.low.subarray(start, end)).data[0]!,
        close: makeVector(bars.close.subarray(start, end)).data[0]!,
        volume: makeVector(bars.volume.subarray(start, end)).data[0]!,
      }),
    );
    if (end >= bars.length) break;
  }
  const table = new Table(batches);
  const writer = options.format === 'file' ? new RecordBatchFileWriter() : new RecordBatchStreamWriter();
  writer.write(table);
  writer.finish();
  return writer;
}
