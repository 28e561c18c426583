/**
 * A file that cannot be read as bars at all (unknown format, no OHLC columns, malformed JSON,
 * a corrupt Arrow stream). Problems with individual rows are not thrown: they go into the
 * validation report. `line` and `column` are 1-based when known.
 */
export class BarsFormatError extends Error {
  override readonly name = 'BarsFormatError';
  constructor(
    readonly reason: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(
      line === undefined
        ? reason
        : `line ${line}${column === undefined ? '' : `, column ${column}`}: ${reason}`,
    );
  }
}
