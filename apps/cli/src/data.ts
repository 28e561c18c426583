import {
  type BarIssue,
  type BarsFile,
  BarsFormatError,
  type FundingRateSeries,
  type ValidationReport,
  readBarsFile,
  readFundingRatesFile,
} from '@gauntlet/market-data';
import { DataError } from './args';

/** `file:line:column` for text lines, `file: record N, column C` for JSON candles and Arrow rows. */
export function issueLocation(
  path: string,
  position: ValidationReport['position'],
  issue: Pick<BarIssue, 'line' | 'column'>,
): string {
  if (position === 'line')
    return `${path}:${issue.line}${issue.column === undefined ? '' : `:${issue.column}`}`;
  return `${path}: record ${issue.line}${issue.column === undefined ? '' : `, column ${issue.column}`}`;
}

function fileSystemError(path: string, e: unknown): DataError | undefined {
  const code = (e as { code?: unknown }).code;
  switch (code) {
    case 'ENOENT':
      return new DataError(`${path}: no such file`);
    case 'EISDIR':
      return new DataError(`${path}: is a directory, not a file`);
    case 'EACCES':
    case 'EPERM':
      return new DataError(`${path}: permission denied`);
    default:
      return undefined;
  }
}

/**
 * Reads and validates a bars file. A file with invalid rows is refused — with the first problem,
 * where it is, and how many more there are — unless `skipInvalid` keeps the valid rows.
 */
export async function loadBars(path: string, skipInvalid: boolean): Promise<BarsFile> {
  let file: BarsFile;
  try {
    file = await readBarsFile(path);
  } catch (e) {
    if (e instanceof BarsFormatError) {
      const where =
        e.line === undefined ? path : `${path}:${e.line}${e.column === undefined ? '' : `:${e.column}`}`;
      throw new DataError(`${where}: ${e.reason}`);
    }
    throw fileSystemError(path, e) ?? e;
  }
  const { report } = file;
  const first = report.errors[0];
  if (first && !skipInvalid) {
    const more = report.errors.length - 1;
    const tail =
      more > 0
        ? ` (and ${more} more problem${more === 1 ? '' : 's'}; --skip-invalid runs on the ${report.valid} valid rows)`
        : ` (--skip-invalid runs on the ${report.valid} valid rows)`;
    throw new DataError(`${issueLocation(path, report.position, first)}: ${first.reason}${tail}`);
  }
  if (file.bars.length === 0) throw new DataError(`${path}: no bars to run on`);
  return file;
}

export async function loadFunding(path: string): Promise<FundingRateSeries> {
  try {
    return await readFundingRatesFile(path);
  } catch (e) {
    if (e instanceof BarsFormatError) throw new DataError(`${path}: ${e.reason}`);
    throw fileSystemError(path, e) ?? e;
  }
}
