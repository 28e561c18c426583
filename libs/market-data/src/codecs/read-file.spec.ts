import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeArrowBars } from './arrow';
import { BarsFormatError } from './errors';
import { decodeBarsBytes, detectBarFormat, readBarsFile, readFundingRatesFile } from './read-file';
import { describeWithSharedData, sharedFile } from './test-utils/shared-data';
import { writeBarsFile } from './write-file';

const enc = new TextEncoder();

describe('detectBarFormat', () => {
  it('trusts content over the name', () => {
    expect(detectBarFormat('x.csv', enc.encode('ARROW1\0\0'))).toBe('arrow');
    expect(detectBarFormat('x.bin', Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0]))).toBe('arrow');
    expect(detectBarFormat('x.csv', enc.encode('  \n[[1,2'))).toBe('freqtrade-json');
    expect(detectBarFormat('x.feather', enc.encode('time,open'))).toBe('arrow');
    expect(detectBarFormat('x.json', enc.encode('{'))).toBe('freqtrade-json');
    expect(detectBarFormat('x.txt', enc.encode(',Open,High'))).toBe('csv');
  });
});

describe('reading and writing files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gauntlet-codecs-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const bars = {
    time: new Float64Array([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 1)]),
    open: new Float64Array([10, 11]),
    high: new Float64Array([12, 13]),
    low: new Float64Array([9, 10]),
    close: new Float64Array([11, 12]),
    volume: new Float64Array([100, 50]),
    length: 2,
  };

  it('writes and reads back CSV and Arrow', async () => {
    for (const format of ['csv', 'arrow'] as const) {
      const path = join(dir, `bars.${format === 'csv' ? 'csv' : 'arrows'}`);
      await writeBarsFile(path, bars, { format });
      const file = await readBarsFile(path);
      expect(file.format).toBe(format);
      expect(file.bars).toEqual(bars);
      expect(file.report).toEqual({
        rows: 2,
        valid: 2,
        duplicates: 0,
        position: format === 'csv' ? 'line' : 'record',
        errors: [],
      });
    }
  });

  it('reads gzipped files', async () => {
    const path = join(dir, 'bars.json.gz');
    writeFileSync(path, gzipSync('[[1704067200000,10,12,9,11,100]]'));
    const file = await readBarsFile(path);
    expect(file.format).toBe('freqtrade-json');
    expect(file.bars.close[0]).toBe(11);
    expect(decodeBarsBytes(gzipSync(encodeArrowBars(bars))).bars).toEqual(bars);
  });

  it('reports bad rows and keeps the good ones', async () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(
      path,
      'timestamp,open,high,low,close,volume\n2024-01-01T00:00:00Z,10,12,9,11,100\n2024-01-01T01:00:00Z,10,9,9,9,1\n',
    );
    const file = await readBarsFile(path);
    expect(file.bars.length).toBe(1);
    expect(file.report.errors).toEqual([
      { line: 3, column: 3, field: 'high', code: 'ohlc', reason: 'high 9 is below max(open, close) 10' },
    ]);
  });

  it('throws BarsFormatError for a file that is not bars, and the file system error for a missing file', async () => {
    const path = join(dir, 'words.csv');
    writeFileSync(path, 'hello world\n');
    await expect(readBarsFile(path)).rejects.toBeInstanceOf(BarsFormatError);
    await expect(readBarsFile(join(dir, 'missing.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describeWithSharedData('reading the sample files from disk', () => {
  it('streams EURUSD.csv', async () => {
    const file = await readBarsFile(sharedFile('backtesting-py/EURUSD.csv'));
    expect(file).toMatchObject({
      format: 'csv',
      layout: 'backtesting.py',
      report: { rows: 5000, valid: 5000, errors: [] },
    });
  });

  it('reads a Feather file and a funding-rate file', async () => {
    const file = await readBarsFile(sharedFile('freqtrade/XRP_ETH-5m.feather'));
    expect(file).toMatchObject({ format: 'arrow', report: { rows: 706, valid: 706 } });
    const rates = await readFundingRatesFile(
      sharedFile('freqtrade/futures/XRP_USDT_USDT-8h-funding_rate.feather'),
    );
    expect(rates.length).toBe(91);
  });

  it('reads the same bytes from memory as from disk', async () => {
    const path = sharedFile('freqtrade/UNITTEST_BTC-1m.json');
    const fromDisk = await readBarsFile(path);
    expect(decodeBarsBytes(readFileSync(path), 'UNITTEST_BTC-1m.json').bars).toEqual(fromDisk.bars);
  });
});
