import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type BarSeries } from './bar-series';
import { type ArrowEncodeOptions, encodeArrowBars } from './arrow';
import { type CsvEncodeOptions, encodeCsvChunks } from './csv';

export type BarExportFormat = 'csv' | 'arrow';

export interface WriteBarsOptions {
  format: BarExportFormat;
  csv?: CsvEncodeOptions;
  arrow?: ArrowEncodeOptions;
}

/** Writes bars to a file; CSV is streamed chunk by chunk, Arrow is encoded in one piece. */
export async function writeBarsFile(path: string, bars: BarSeries, options: WriteBarsOptions): Promise<void> {
  if (options.format === 'arrow') {
    await writeFile(path, encodeArrowBars(bars, options.arrow));
    return;
  }
  await pipeline(
    Readable.from(encodeCsvChunks(bars, options.csv)),
    createWriteStream(path, { encoding: 'utf8' }),
  );
}
