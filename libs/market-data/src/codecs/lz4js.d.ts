// lz4js ships no type declarations; these cover the two frame-level calls the Arrow codec uses.
declare module 'lz4js' {
  /** Compresses into one LZ4 frame. */
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
  /** Decompresses one LZ4 frame; without `maxSize` the output bound is read from the frame. */
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array;
}
