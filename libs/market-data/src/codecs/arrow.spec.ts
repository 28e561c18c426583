import { readFileSync } from 'node:fs';
import {
  CompressionType,
  Float64,
  RecordBatchFileWriter,
  RecordBatchStreamWriter,
  Table,
  TimestampNanosecond,
  compressionRegistry,
  makeData,
  makeVector,
  tableFromArrays,
  tableFromIPC,
  vectorFromArray,
} from 'apache-arrow';
import { compress as lz4Compress } from 'lz4js';
import { decodeArrowBars, decodeArrowFundingRates, encodeArrowBars, registerArrowCodecs } from './arrow';
import { type BarSeries } from './bar-series';
import { BarsFormatError } from './errors';
import { decodeFreqtradeJson } from './freqtrade-json';
import { describeWithSharedData, sharedFile } from './test-utils/shared-data';
import { validateDecoded } from './validation';

function rowOf(b: BarSeries, i: number): number[] {
  return [b.time[i]!, b.open[i]!, b.high[i]!, b.low[i]!, b.close[i]!, b.volume[i]!];
}

/**
 * A ZSTD frame built from stored (raw) and run-length (RLE) blocks, which every ZSTD decoder must
 * read. It compresses a buffer of one repeated byte to a few bytes, which lets a test write ZSTD
 * batches that Arrow keeps compressed, without a ZSTD compressor.
 */
function zstdFrame(data: Uint8Array): Uint8Array {
  const BLOCK = 128 * 1024;
  const parts: number[] = [0x28, 0xb5, 0x2f, 0xfd, 0xa0]; // magic; 4-byte content size, single segment
  parts.push(data.length & 0xff, (data.length >> 8) & 0xff, (data.length >> 16) & 0xff, data.length >>> 24);
  const blocks = Math.max(1, Math.ceil(data.length / BLOCK));
  for (let b = 0; b < blocks; b++) {
    const chunk = data.subarray(b * BLOCK, Math.min(data.length, (b + 1) * BLOCK));
    const rle = chunk.length > 0 && chunk.every((x) => x === chunk[0]);
    const header = (chunk.length << 3) | ((rle ? 1 : 0) << 1) | (b === blocks - 1 ? 1 : 0);
    parts.push(header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff);
    if (rle) parts.push(chunk[0]!);
    else parts.push(...chunk);
  }
  return Uint8Array.from(parts);
}

/**
 * Writes a table with compressed batches, then decodes it with this module's registered decoder,
 * counting how many buffers that decoder actually inflated.
 */
function roundTripCompressed(
  table: Table,
  type: CompressionType,
  encode: (d: Uint8Array) => Uint8Array,
  file = false,
): { bars: BarSeries; decoded: number } {
  registerArrowCodecs();
  const decode = compressionRegistry.get(type)!.decode!;
  let decoded = 0;
  compressionRegistry.set(type, {
    encode,
    decode: (d) => {
      decoded++;
      return decode(d);
    },
  });
  try {
    const writer = file
      ? new RecordBatchFileWriter({ compressionType: type })
      : new RecordBatchStreamWriter({ compressionType: type });
    writer.write(table);
    writer.finish();
    return { bars: decodeArrowBars(writer.toUint8Array(true)).bars, decoded };
  } finally {
    compressionRegistry.set(type, { decode });
  }
}

/** A frame as pandas/freqtrade write it: a nanosecond UTC timestamp column named `date`. */
function sampleTable(n: number): Table {
  const time = new BigInt64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    time[i] = BigInt(Date.UTC(2024, 0, 1) + i * 60_000) * 1_000_000n;
    open[i] = 100 + (i % 17);
    high[i] = 101 + (i % 17);
    low[i] = 99 + (i % 17);
    close[i] = 100.5 + (i % 17);
    volume[i] = i;
  }
  const date = makeVector(
    makeData({ type: new TimestampNanosecond('UTC'), length: n, nullCount: 0, data: time }),
  );
  return new Table({
    date,
    open: makeVector(open),
    high: makeVector(high),
    low: makeVector(low),
    close: makeVector(close),
    volume: makeVector(volume),
  });
}

describeWithSharedData('Arrow: freqtrade Feather files (LZ4-compressed)', () => {
  it('reads UNITTEST_BTC-1m.feather and agrees with the JSON of the same candles, value for value', () => {
    const feather = decodeArrowBars(readFileSync(sharedFile('freqtrade/UNITTEST_BTC-1m.feather')));
    const json = decodeFreqtradeJson(readFileSync(sharedFile('freqtrade/UNITTEST_BTC-1m.json'), 'utf8'));
    expect(feather.rows).toBe(13681);
    // pandas round-tripped some prices through a decimal conversion, so a few differ from the
    // JSON in the last bit; times must match exactly, prices to a relative 1e-15.
    expect(feather.bars.time).toEqual(json.bars.time);
    for (const f of ['open', 'high', 'low', 'close', 'volume'] as const) {
      const a = feather.bars[f];
      const b = json.bars[f];
      let worst = 0;
      for (let i = 0; i < a.length; i++)
        worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-300));
      expect(worst).toBeLessThan(1e-15);
    }
    expect(rowOf(feather.bars, 0)).toEqual([
      1509836520000, 0.00162008, 0.00162008, 0.00162008, 0.00162008, 108.14853839,
    ]);
    expect(feather.locator.columns).toEqual({ time: 1, open: 2, high: 3, low: 4, close: 5, volume: 6 });
  });

  // First and last rows as apache-arrow's own row accessor (Table.get(i).toJSON()) reports them,
  // a path independent of this module's column decoding.
  it.each([
    [
      'ETH_BTC-5m.feather',
      5760,
      [1515560100000, 0.0984, 0.0994766, 0.09828605, 0.0994766, 1820.54447418],
      [1517287800000, 0.10440995, 0.10441058, 0.10400025, 0.10441057000000001, 31.94851561],
    ],
    [
      'LTC_BTC-5m.feather',
      5760,
      [1515560100000, 0.0169325, 0.01702482, 0.01690701, 0.01690701, 1615.44770933],
      [1517287800000, 0.016083999999999998, 0.016145, 0.01607222, 0.016145, 20.97095642],
    ],
    [
      'XRP_ETH-1m.feather',
      2469,
      [1570752000000, 0.00141342, 0.00141557, 0.00141266, 0.00141418, 1482],
      [1570965540000, 0.00152814, 0.00152817, 0.00152787, 0.00152787, 785],
    ],
    [
      'XRP_ETH-5m.feather',
      706,
      [1570752000000, 0.00141342, 0.00141658, 0.00141192, 0.00141192, 3478],
      [1570965300000, 0.00152609, 0.00152871, 0.00152362, 0.00152787, 11786],
    ],
    [
      'futures/XRP_USDT_USDT-1h-futures.feather',
      100,
      [1637110800000, 1.0801, 1.09758, 1.07654, 1.07925, 3153694.607359],
      [1637467200000, 1.07685, 1.08229, 1.07552, 1.0765, 1153357.274076],
    ],
    [
      'futures/XRP_USDT_USDT-5m-futures.feather',
      1999,
      [1636934400000, 1.1893, 1.1954, 1.1891, 1.1941, 9289043.5],
      [1637533800000, 1.0733, 1.0737, 1.0711, 1.0713, 765844.7],
    ],
    [
      'futures/XRP_USDT_USDT-8h-mark.feather',
      91,
      [1637193600000, 1.0959, 1.162, 1.0907, 1.1074, 523374743.8],
      [1639785600000, 0.7963, 0.8159000000000001, 0.7904, 0.8124, 144712394.5],
    ],
  ])('reads %s', (file, rows, first, last) => {
    const d = decodeArrowBars(readFileSync(sharedFile(`freqtrade/${file}`)));
    expect(d.rows).toBe(rows);
    expect(rowOf(d.bars, 0)).toEqual(first);
    expect(rowOf(d.bars, rows - 1)).toEqual(last);
    expect(validateDecoded(d).report).toMatchObject({ rows, valid: rows, errors: [] });
  });

  it('reads the 8-hour funding rates, keeping their millisecond offsets', () => {
    const f = decodeArrowFundingRates(
      readFileSync(sharedFile('freqtrade/futures/XRP_USDT_USDT-8h-funding_rate.feather')),
    );
    expect(f.length).toBe(91);
    expect([f.time[0], f.rate[0]]).toEqual([Date.UTC(2021, 10, 18, 0, 0, 0, 17), 0.0001]);
    expect([f.time[90], f.rate[90]]).toEqual([Date.UTC(2021, 11, 18, 0, 0, 0, 14), 0.0001]);
  });
});

describe('Arrow: compressed record batches', () => {
  const table = sampleTable(5000);
  const expected = decodeArrowBars(encodeIpc(table)).bars;

  it('reads LZ4-frame batches in the stream and the file format', () => {
    for (const file of [false, true]) {
      const { bars, decoded } = roundTripCompressed(
        table,
        CompressionType.LZ4_FRAME,
        (d) => lz4Compress(d),
        file,
      );
      expect(decoded).toBeGreaterThanOrEqual(5);
      expect(bars).toEqual(expected);
      expect(bars.time[1]).toBe(Date.UTC(2024, 0, 1, 0, 1));
    }
  });

  it('reads ZSTD batches', () => {
    const flat = new Table({
      ...Object.fromEntries(table.schema.fields.map((f) => [f.name, table.getChild(f.name)!])),
      volume: makeVector(new Float64Array(5000)),
    });
    const { bars, decoded } = roundTripCompressed(flat, CompressionType.ZSTD, zstdFrame);
    expect(decoded).toBe(1);
    expect(bars).toEqual({ ...expected, volume: new Float64Array(5000) });
  });
});

describe('Arrow: column types and problems', () => {
  const bars: BarSeries = {
    time: new Float64Array([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2)]),
    open: new Float64Array([1, 2]),
    high: new Float64Array([2, 3]),
    low: new Float64Array([0.5, 1.5]),
    close: new Float64Array([1.5, 2.5]),
    volume: new Float64Array([10, 20]),
    length: 2,
  };

  it('round-trips through the stream and file formats, with float64 or timestamp time', () => {
    for (const format of ['stream', 'file'] as const) {
      for (const time of ['float64', 'timestamp'] as const) {
        expect(decodeArrowBars(encodeArrowBars(bars, { format, time, batchSize: 1 })).bars).toEqual(bars);
      }
    }
  });

  it('writes the bars stream columns as float64', () => {
    const t = tableFromIPC(encodeArrowBars(bars));
    expect(t.schema.fields.map((f) => f.name)).toEqual(['time', 'open', 'high', 'low', 'close', 'volume']);
    expect(t.schema.fields.map((f) => String(f.type))).toEqual(Array(6).fill('Float64'));
  });

  it('writes an empty series as a readable empty stream', () => {
    const empty = {
      ...bars,
      time: new Float64Array(0),
      open: new Float64Array(0),
      high: new Float64Array(0),
      low: new Float64Array(0),
      close: new Float64Array(0),
      volume: new Float64Array(0),
      length: 0,
    };
    expect(decodeArrowBars(encodeArrowBars(empty)).rows).toBe(0);
  });

  it('reads integer epoch-second times and integer prices, and turns nulls into rejected rows', () => {
    const t = new Table({
      Timestamp: makeVector(Int32Array.from([1704067200, 1704153600])),
      Open: vectorFromArray([1, null], new Float64()),
      High: makeVector(Int32Array.from([2, 3])),
      Low: makeVector(Int32Array.from([0, 1])),
      Close: makeVector(Int32Array.from([1, 2])),
    });
    const d = decodeArrowBars(encodeIpc(t));
    expect(Array.from(d.bars.time)).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2)]);
    expect(Array.from(d.bars.high)).toEqual([2, 3]);
    expect(Array.from(d.bars.volume)).toEqual([0, 0]);
    expect(validateDecoded(d).report.errors).toEqual([
      { line: 2, column: 2, field: 'open', code: 'non-finite', reason: 'open is not a finite number (NaN)' },
    ]);
  });

  it('explains what is missing', () => {
    expect(() => decodeArrowBars(encodeIpc(tableFromArrays({ x: new Float64Array([1]) })))).toThrow(
      /no time column/,
    );
    expect(() =>
      decodeArrowBars(
        encodeIpc(tableFromArrays({ time: new Float64Array([1]), open: new Float64Array([1]) })),
      ),
    ).toThrow(/no "high" column \(columns: time, open\)/);
    expect(() => decodeArrowBars(new Uint8Array([1, 2, 3, 4]))).toThrow(BarsFormatError);
  });
});

function encodeIpc(t: Table): Uint8Array {
  const writer = new RecordBatchStreamWriter();
  writer.write(t);
  writer.finish();
  return writer.toUint8Array(true);
}
