import { tableFromIPC } from 'apache-arrow';

/** Reads the named float64 columns of an Arrow IPC stream as typed arrays. */
export function arrowColumns<K extends string>(
  bytes: ArrayBuffer,
  names: readonly K[],
): Record<K, Float64Array> {
  const table = tableFromIPC(new Uint8Array(bytes));
  const out = {} as Record<K, Float64Array>;
  for (const name of names) {
    const col = table.getChild(name);
    if (!col) throw new Error(`Arrow stream has no ${name} column`);
    const values = col.toArray() as Float64Array | number[];
    out[name] = values instanceof Float64Array ? values : Float64Array.from(values);
  }
  return out;
}
