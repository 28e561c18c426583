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

/** Bytes of one row: field count, then a timestamp and five doubles, each with its length. */
const ROW_BYTES = 2 + 6 * (4 + 8);
const PG_EPOCH_MS = 946_684_800_000;

/**
 * Decodes binary COPY output of `(timestamptz, float8 × 5)` rows (time, open, high, low, close,
 * volume; none null) into columns, times as epoch milliseconds.
 */
export function decodeBarsCopy(buf: Buffer): BarColumns {
  const decoder = new BarsCopyDecoder();
  decoder.push(buf);
  return decoder.finish();
}

/** Header bytes before the extension area: signature (11), flags (4), extension length (4). */
const HEADER_FIXED = 19;

/**
 * `decodeBarsCopy` fed chunk by chunk as the COPY stream arrives, so a load never holds the
 * whole stream in one buffer: rows are decoded straight from each chunk into the columns, and
 * only a row split between two chunks is copied (into a row-sized scratch buffer).
 */
export class BarsCopyDecoder {
  private cols: BarColumns;
  private n = 0;
  private headerLeft = -1;
  private head = Buffer.alloc(0);
  private readonly split = Buffer.alloc(ROW_BYTES);
  private splitHave = 0;
  private ended = false;

  /** `expectedRows`: the columns' first capacity (they grow as needed). */
  constructor(private readonly expectedRows = 1024) {
    this.cols = columnsOf(Math.max(16, Math.floor(expectedRows)));
  }

  push(chunk: Buffer): void {
    let o = 0;
    if (this.headerLeft !== 0) {
      o = this.readHeader(chunk);
      if (this.headerLeft !== 0) return;
    }
    if (this.splitHave > 0) {
      const take = Math.min(ROW_BYTES - this.splitHave, chunk.length - o);
      chunk.copy(this.split, this.splitHave, o, o + take);
      this.splitHave += take;
      o += take;
      if (this.splitHave < ROW_BYTES) {
        // The trailer can be the two bytes left over after the last row.
        if (this.splitHave >= 2 && this.split.readInt16BE(0) === -1) this.end(chunk.length - o);
        return;
      }
      this.rows(new DataView(this.split.buffer, this.split.byteOffset, ROW_BYTES), 0, ROW_BYTES);
      this.splitHave = 0;
      if (this.ended) return;
    }
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    o = this.rows(view, o, chunk.length);
    if (this.ended) return;
    const left = chunk.length - o;
    if (left >= 2 && view.getInt16(o) === -1) {
      this.end(left - 2);
      return;
    }
    chunk.copy(this.split, 0, o);
    this.splitHave = left;
  }

  finish(): BarColumns {
    if (!this.ended) {
      if (this.headerLeft !== 0) throw new Error('not a binary COPY stream');
      if (!(this.splitHave === 2 && this.split.readInt16BE(0) === -1))
        throw new Error('binary COPY stream does not end where expected');
    }
    const n = this.n;
    const c = this.cols;
    // Much spare capacity (a sparse range): hand out exact-size columns rather than views.
    const exact = c.time.length > n * 1.25 + 1024;
    const cut = (a: Float64Array): Float64Array => (exact ? a.slice(0, n) : a.subarray(0, n));
    return {
      time: cut(c.time),
      open: cut(c.open),
      high: cut(c.high),
      low: cut(c.low),
      close: cut(c.close),
      volume: cut(c.volume),
      length: n,
    };
  }

  /** Consumes header bytes from the chunk; returns where the rows start in it. */
  private readHeader(chunk: Buffer): number {
    const need = this.headerLeft < 0 ? HEADER_FIXED : this.headerLeft;
    const take = Math.min(need - (this.headerLeft < 0 ? this.head.length : 0), chunk.length);
    if (this.headerLeft < 0) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, take)]);
      if (this.head.length < HEADER_FIXED) return take;
      if (this.head.compare(HEADER, 0, 11, 0, 11) !== 0) throw new Error('not a binary COPY stream');
      this.headerLeft = this.head.readInt32BE(15);
      const skip = Math.min(this.headerLeft, chunk.length - take);
      this.headerLeft -= skip;
      return take + skip;
    }
    this.headerLeft -= take;
    return take;
  }

  /** Decodes whole rows of `view` from `o` while they fit before `end`; returns where it stopped. */
  private rows(view: DataView, o: number, end: number): number {
    let n = this.n;
    let c = this.cols;
    while (o + ROW_BYTES <= end) {
      const fields = view.getInt16(o);
      if (fields === -1) {
        this.n = n;
        this.end(end - o - 2);
        return o + 2;
      }
      if (fields !== 6 || view.getInt32(o + 2) !== 8) throw new Error(`bad COPY row ${n}`);
      if (n === c.time.length) c = this.grow(n);
      // Microseconds since 2000-01-01 as two 32-bit halves: exact below 2^53 and cheaper than BigInt.
      const us = view.getInt32(o + 6) * 4_294_967_296 + view.getUint32(o + 10);
      c.time[n] = us / 1000 + PG_EPOCH_MS;
      c.open[n] = view.getFloat64(o + 18);
      c.high[n] = view.getFloat64(o + 30);
      c.low[n] = view.getFloat64(o + 42);
      c.close[n] = view.getFloat64(o + 54);
      c.volume[n] = view.getFloat64(o + 66);
      n++;
      o += ROW_BYTES;
    }
    this.n = n;
    return o;
  }

  private end(bytesAfter: number): void {
    if (bytesAfter !== 0) throw new Error('binary COPY stream does not end where expected');
    this.ended = true;
  }

  private grow(n: number): BarColumns {
    const next = columnsOf(n * 2);
    for (const k of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) next[k].set(this.cols[k]);
    this.cols = next;
    return next;
  }
}

function columnsOf(capacity: number): BarColumns {
  return {
    time: new Float64Array(capacity),
    open: new Float64Array(capacity),
    high: new Float64Array(capacity),
    low: new Float64Array(capacity),
    close: new Float64Array(capacity),
    volume: new Float64Array(capacity),
    length: 0,
  };
}
