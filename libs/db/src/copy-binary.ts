import { type BarColumns } from './bars.repository';

/** Microseconds between the Unix epoch and PostgreSQL's epoch (2000-01-01 UTC). */
const PG_EPOCH_US = 946_684_800_000_000n;
const HEADER = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);

/**
 * Encodes bars in PostgreSQL's binary COPY format (instrument_id, time, open, high, low, close,
 * volume). Binary skips number formatting and parsing on both sides, which text COPY spends most
 * of its time on.
 */
export function* encodeBarsBinary(instrumentId: string, chunks: Iterable<BarColumns>): Generator<Buffer> {
  yield HEADER;
  const id = Buffer.from(instrumentId, 'utf8');
  const rowBytes = 2 + 4 + id.length + 4 + 8 + 5 * (4 + 8);
  for (const c of chunks) {
    const buf = Buffer.allocUnsafe(rowBytes * c.length);
    let o = 0;
    for (let i = 0; i < c.length; i++) {
      o = buf.writeInt16BE(7, o);
      o = buf.writeInt32BE(id.length, o);
      o += id.copy(buf, o);
      o = buf.writeInt32BE(8, o);
      o = buf.writeBigInt64BE(BigInt(Math.round((c.time[i] as number) * 1000)) - PG_EPOCH_US, o);
      o = writeFloat(buf, o, c.open[i] as number);
      o = writeFloat(buf, o, c.high[i] as number);
      o = writeFloat(buf, o, c.low[i] as number);
      o = writeFloat(buf, o, c.close[i] as number);
      o = writeFloat(buf, o, c.volume[i] as number);
    }
    yield buf;
  }
  yield Buffer.from([0xff, 0xff]);
}

function writeFloat(buf: Buffer, o: number, v: number): number {
  o = buf.writeInt32BE(8, o);
  return buf.writeDoubleBE(v, o);
}
