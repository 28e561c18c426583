import { BarsCopyDecoder, decodeBarsCopy } from './copy-binary';

/** Builds binary COPY bytes by hand from the format's documentation. */
function copyBytes(rows: Array<[bigint, number, number, number, number, number]>): Buffer {
  const header = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
  const body = rows.map(([us, ...values]) => {
    const b = Buffer.alloc(2 + 6 * 12);
    b.writeInt16BE(6, 0);
    b.writeInt32BE(8, 2);
    b.writeBigInt64BE(us, 6);
    values.forEach((v, i) => {
      b.writeInt32BE(8, 14 + i * 12);
      b.writeDoubleBE(v, 18 + i * 12);
    });
    return b;
  });
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1, 0);
  return Buffer.concat([header, ...body, trailer]);
}

describe('decodeBarsCopy', () => {
  it('turns microseconds since 2000-01-01 into epoch ms and reads the doubles', () => {
    const bytes = copyBytes([
      [60_000_000n, 1.5, 2.5, 1, 2, 10],
      // 2024-01-01T00:00:00Z is 757,382,400 s after 2000-01-01.
      [757_382_400_000_000n, 100, 101, 99, 100.5, 0],
      [-1_000_000n, 3, 4, 2, 3, 1],
    ]);
    const c = decodeBarsCopy(bytes);
    expect(c.length).toBe(3);
    expect(Array.from(c.time)).toEqual([
      Date.UTC(2000, 0, 1, 0, 1),
      Date.UTC(2024, 0, 1),
      Date.UTC(1999, 11, 31, 23, 59, 59),
    ]);
    expect(Array.from(c.open)).toEqual([1.5, 100, 3]);
    expect(Array.from(c.high)).toEqual([2.5, 101, 4]);
    expect(Array.from(c.low)).toEqual([1, 99, 2]);
    expect(Array.from(c.close)).toEqual([2, 100.5, 3]);
    expect(Array.from(c.volume)).toEqual([10, 0, 1]);
  });

  it('decodes an empty result and refuses other bytes', () => {
    expect(decodeBarsCopy(copyBytes([])).length).toBe(0);
    expect(() => decodeBarsCopy(Buffer.from('not copy output at all'))).toThrow(/binary COPY/);
  });

  it('decodes the same stream fed in chunks of any size, splitting rows, header and trailer', () => {
    const rows: Array<[bigint, number, number, number, number, number]> = [];
    for (let i = 0; i < 3000; i++) rows.push([BigInt(i) * 60_000_000n, i, i + 1, i - 1, i + 0.5, i % 7]);
    const bytes = copyBytes(rows);
    const whole = decodeBarsCopy(bytes);
    expect(whole.length).toBe(3000);
    expect(whole.time[2999]).toBe(Date.UTC(2000, 0, 1) + 2999 * 60_000);
    expect(whole.close[1234]).toBe(1234.5);
    for (const size of [1, 2, 7, 19, 20, 73, 74, 75, 4096]) {
      // A small first capacity, so the columns also grow while decoding.
      const d = new BarsCopyDecoder(16);
      for (let o = 0; o < bytes.length; o += size) d.push(bytes.subarray(o, o + size));
      const c = d.finish();
      expect(c.length).toBe(3000);
      for (const k of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
        expect(Array.from(c[k])).toEqual(Array.from(whole[k]));
      }
    }
  });

  it('refuses a stream cut short or with bytes after its end', () => {
    const bytes = copyBytes([[0n, 1, 2, 0.5, 1.5, 3]]);
    const cut = new BarsCopyDecoder();
    cut.push(bytes.subarray(0, bytes.length - 5));
    expect(() => cut.finish()).toThrow(/does not end where expected/);
    expect(() => decodeBarsCopy(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/does not end/);
  });
});
