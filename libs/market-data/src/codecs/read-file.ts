import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type BarSeries } from './bar-series';
import { type FundingRateSeries, decodeArrowBars, decodeArrowFundingRates } from './arrow';
import { type CsvLayout, CsvBarDecoder, decodeCsvBars } from './csv';
import { BarsFormatError } from './errors';
import { decodeFreqtradeJson } from './freqtrade-json';
import { type EpochUnit } from './timestamp';
import { type DecodedBars, type ValidationReport, validateDecoded } from './validation';

export type BarFileFormat = 'csv' | 'freqtrade-json' | 'arrow';

export const BAR_FILE_FORMATS: readonly BarFileFormat[] = ['csv', 'freqtrade-json', 'arrow'];

const ARROW_FILE_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"

function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Tells the format from the content first (Arrow's magic bytes or stream continuation marker, a
 * JSON array) and the file name second, so a misnamed file is still read correctly.
 */
export function detectBarFormat(name: string, head: Uint8Array): BarFileFormat {
  if (ARROW_FILE_MAGIC.every((b, i) => head[i] === b)) return 'arrow';
  if (head.length >= 8 && head[0] === 0xff && head[1] === 0xff && head[2] === 0xff && head[3] === 0xff)
    return 'arrow';
  const lower = name.toLowerCase().replace(/\.gz$/, '');
  if (/\.(feather|arrow|arrows|ipc)$/.test(lower)) return 'arrow';
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09))
    i++;
  if (head[i] === 0x5b) return 'freqtrade-json'; // '['
  if (lower.endsWith('.json')) return 'freqtrade-json';
  return 'csv';
}

export interface DecodeBarsOptions {
  /** Skips detection. */
  format?: BarFileFormat;
  /** Unit of numeric timestamps (CSV, JSON, numeric Arrow time columns). Default: guessed. */
  timeUnit?: EpochUnit | 'auto';
}

export interface DecodedBarsFile extends DecodedBars {
  format: BarFileFormat;
  /** For CSV, which layout the header showed. */
  layout?: CsvLayout;
}

const utf8 = new TextDecoder('utf-8');

/** Decodes a whole file held in memory (an upload, say); gzip is undone first. */
export function decodeBarsBytes(
  bytes: Uint8Array,
  name = '',
  options: DecodeBarsOptions = {},
): DecodedBarsFile {
  let data = bytes;
  if (isGzip(data)) {
    try {
      data = gunzipSync(data);
    } catch (e) {
      throw new BarsFormatError(`the file looks gzipped but cannot be decompressed: ${(e as Error).message}`);
    }
  }
  const format = options.format ?? detectBarFormat(name, data.subarray(0, 64));
  switch (format) {
    case 'arrow':
      return { ...decodeArrowBars(data, options), format };
    case 'freqtrade-json':
      return { ...decodeFreqtradeJson(utf8.decode(data), options), format };
    case 'csv': {
      const decoded = decodeCsvBars(utf8.decode(data), options);
      return { ...decoded, format, layout: decoded.layout };
    }
  }
}

async function readHead(path: string, size: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buf = new Uint8Array(size);
    const { bytesRead } = await handle.read(buf, 0, size, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Streams a CSV file through the decoder, so only one chunk of text is held at a time. */
async function decodeCsvFile(path: string, options: DecodeBarsOptions): Promise<DecodedBarsFile> {
  const decoder = new CsvBarDecoder(options);
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const chunk of stream) decoder.write(chunk as string);
  const decoded = decoder.end();
  return { ...decoded, format: 'csv', layout: decoded.layout };
}

/** Reads and decodes a bars file without validating it. */
export async function decodeBarsFile(
  path: string,
  options: DecodeBarsOptions = {},
): Promise<DecodedBarsFile> {
  const head = await readHead(path, 64);
  if (isGzip(head)) return decodeBarsBytes(await readFile(path), basename(path), options);
  const format = options.format ?? detectBarFormat(basename(path), head);
  if (format === 'csv') return decodeCsvFile(path, options);
  return decodeBarsBytes(await readFile(path), basename(path), { ...options, format });
}

export interface BarsFile {
  path: string;
  format: BarFileFormat;
  layout?: CsvLayout;
  /** The valid rows only. */
  bars: BarSeries;
  report: ValidationReport;
}

/**
 * Reads a CSV, freqtrade JSON or Feather / Arrow IPC file (optionally gzipped) and validates it.
 * A file that cannot be read at all throws `BarsFormatError` (or the file system's error); bad
 * rows are left out of `bars` and listed in `report.errors`, so the caller decides whether a
 * file with errors is acceptable.
 */
export async function readBarsFile(path: string, options: DecodeBarsOptions = {}): Promise<BarsFile> {
  const decoded = await decodeBarsFile(path, options);
  const { bars, report } = validateDecoded(decoded);
  const out: BarsFile = { path, format: decoded.format, bars, report };
  if (decoded.layout) out.layout = decoded.layout;
  return out;
}

/** Reads a Feather / Arrow IPC funding-rate file (freqtrade's `*-funding_rate.feather`). */
export async function readFundingRatesFile(
  path: string,
  options: DecodeBarsOptions = {},
): Promise<FundingRateSeries> {
  let bytes: Uint8Array = await readFile(path);
  if (isGzip(bytes)) bytes = gunzipSync(bytes);
  return decodeArrowFundingRates(bytes, options);
}
