import { encodeBarsBinary } from './copy-binary';

describe('encodeBarsBinary', () => {
  it('writes the PGCOPY header, one 7-field tuple per bar with PostgreSQL-epoch microseconds, and the trailer', () => {
    const bars = {
      time: Float64Array.from([Date.UTC(2000, 0, 1, 0, 1)]),
      open: Float64Array.from([1.5]),
      high: Float64Array.from([2]),
      low: Float64Array.from([1]),
      close: Float64Array.from([1.75]),
      volume: Float64Array.from([10]),
      length: 1,
    };
    const out = Buffer.concat([...encodeBarsBinary('x:Y', [bars])]);
    expect(out.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
    let o = 19;
    expect(out.readInt16BE(o)).toBe(7);
    o += 2;
    expect(out.readInt32BE(o)).toBe(3);
    expect(out.subarray(o + 4, o + 7).toString()).toBe('x:Y');
    o += 7;
    expect(out.readInt32BE(o)).toBe(8);
    // One minute after 2000-01-01T00:00Z is 60,000,000 µs after PostgreSQL's epoch.
    expect(out.readBigInt64BE(o + 4)).toBe(60_000_000n);
    o += 12;
    const values = [1.5, 2, 1, 1.75, 10].map(() => {
      const v = out.readDoubleBE(o + 4);
      o += 12;
      return v;
    });
    expect(values).toEqual([1.5, 2, 1, 1.75, 10]);
    expect(out.readInt16BE(o)).toBe(-1);
    expect(out.length).toBe(o + 2);
  });
});
