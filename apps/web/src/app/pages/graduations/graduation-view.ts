import {
  GRADUATION_FINAL,
  type GraduationCriteria,
  type GraduationCriterionResult,
  type GraduationDto,
  type GraduationPeriods,
  type GraduationStatus,
  type GraduationStepDto,
  type GraduationTradePair,
  type Role,
  type TradeDto,
} from '@gauntlet/contracts';

/** Criteria a new graduation starts with: a week's paper trading must look like the backtest. */
export const DEFAULT_CRITERIA: GraduationCriteria = {
  minTrades: 10,
  minSharpe: 0.5,
  maxDrawdownPct: 20,
  maxTrackingError: 0.001,
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const DEFAULT_PERIODS: GraduationPeriods = {
  paperMs: 7 * DAY,
  approvalTimeoutMs: 2 * DAY,
  rampIntervalMs: DAY,
  checkMs: 60_000,
};

export const DEFAULT_RAMP = '0.25, 0.5, 1';
/** One bar per minute of wall-clock time: a 1-minute strategy paper-trades in real time. */
export const DEFAULT_FEED_STEP_MS = 60_000;

/** Whether the workflow is done with the graduation (nothing on the page changes any more). */
export function isFinal(status: GraduationStatus): boolean {
  return GRADUATION_FINAL.includes(status);
}

/** Only an admin decides, and only while the graduation waits for one (the API answers 409 otherwise). */
export function canDecide(role: Role | null | undefined, status: GraduationStatus): boolean {
  return role === 'admin' && status === 'awaiting-approval';
}

/** The question asked before a decision is sent. */
export function decisionConfirmation(
  g: Pick<GraduationDto, 'strategy' | 'instrument' | 'targetCapital' | 'rampSteps'>,
  decision: 'approve' | 'reject',
): string {
  if (decision === 'reject')
    return `Reject the graduation of ${g.strategy} on ${g.instrument}? It ends here; the strategy stays on paper.`;
  const first = g.rampSteps[0] ?? 1;
  return (
    `Approve ${g.strategy} on ${g.instrument} for LIVE trading? A live bot starts with ` +
    `${formatFraction(first)} of ${g.targetCapital.toLocaleString('en-US')} and sends real orders.`
  );
}

/** A capital fraction as a percentage: 0.25 → "25%". */
export function formatFraction(f: number | null | undefined): string {
  if (f === null || f === undefined || !Number.isFinite(f)) return '—';
  return `${Math.round(f * 10_000) / 100}%`;
}

/** A step's time to the second (steps of a short graduation are seconds apart): `2024-01-01 10:04:05Z`. */
export function formatStepTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** The timeline in the order the workflow recorded it. */
export function orderedSteps(steps: readonly GraduationStepDto[]): GraduationStepDto[] {
  return [...steps].sort((a, b) => a.seq - b.seq);
}

const CRITERION_LABELS: Record<keyof GraduationCriteria, string> = {
  minTrades: 'Closed paper trades',
  minSharpe: 'Sharpe (annualised)',
  maxDrawdownPct: 'Max drawdown, %',
  maxTrackingError: 'Tracking error',
};

export function criterionLabel(name: GraduationCriterionResult['name']): string {
  return CRITERION_LABELS[name] ?? name;
}

export function opSymbol(op: GraduationCriterionResult['op']): string {
  return op === '>=' ? '≥' : '≤';
}

/** The columns of the comparison table that can differ between the backtest and the paper trade. */
export type PairColumn = 'size' | 'entryPrice' | 'exitPrice' | 'exitTime' | 'pnl' | 'fees';

export interface PairRow {
  index: number;
  kind: GraduationTradePair['kind'];
  /** Entry time and side are what pair two trades up, so either side gives them. */
  entryTime: string;
  side: TradeDto['side'];
  size: number;
  expected: TradeDto | null;
  actual: TradeDto | null;
  /** Columns to highlight: the fields the comparison names for `different`. */
  differs: Record<PairColumn, boolean>;
}

const PAIR_COLUMNS: readonly PairColumn[] = ['size', 'entryPrice', 'exitPrice', 'exitTime', 'pnl', 'fees'];

/** The comparison's pairs as table rows, in the order the evaluation lists them. */
export function pairRows(pairs: readonly GraduationTradePair[]): PairRow[] {
  return pairs.map((p, index) => {
    const t = (p.expected ?? p.actual) as TradeDto;
    const named = new Set(p.kind === 'different' ? p.fields : []);
    const differs = Object.fromEntries(PAIR_COLUMNS.map((c) => [c, named.has(c)])) as Record<
      PairColumn,
      boolean
    >;
    return {
      index,
      kind: p.kind,
      entryTime: t.entryTime,
      side: t.side,
      size: t.size,
      expected: p.expected,
      actual: p.actual,
      differs,
    };
  });
}

/** Counts of each kind of pair, for the comparison's summary line. */
export function pairCounts(
  pairs: readonly GraduationTradePair[],
): Record<GraduationTradePair['kind'], number> {
  const out = { matched: 0, different: 0, missing: 0, unexpected: 0 };
  for (const p of pairs) out[p.kind]++;
  return out;
}

/**
 * Ramp steps typed as a list ("0.25, 0.5, 1"); null when a part is not a number. The API checks
 * the rest (increasing, within (0, 1], ending at 1) and names the field.
 */
export function parseRampSteps(text: string): number[] | null {
  const parts = text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) return null;
  const out = parts.map(Number);
  return out.every((n) => Number.isFinite(n)) ? out : null;
}

/** The bots a graduation started, in the order it started them, for links. */
export function graduationBots(
  g: Pick<GraduationDto, 'paperBotId' | 'liveBotId' | 'demotedBotId'>,
): Array<{ stage: 'paper' | 'live' | 'demoted'; label: string; id: string }> {
  const out: Array<{ stage: 'paper' | 'live' | 'demoted'; label: string; id: string }> = [];
  if (g.paperBotId) out.push({ stage: 'paper', label: 'Paper evaluation bot', id: g.paperBotId });
  if (g.liveBotId) out.push({ stage: 'live', label: 'Live bot', id: g.liveBotId });
  if (g.demotedBotId) out.push({ stage: 'demoted', label: 'Paper bot after demotion', id: g.demotedBotId });
  return out;
}

/** Milliseconds as the largest whole unit that divides them: 604800000 → "7 d", 1500 → "1500 ms". */
export function formatPeriod(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const units: Array<[number, string]> = [
    [DAY, 'd'],
    [HOUR, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, label] of units) if (ms >= size && ms % size === 0) return `${ms / size} ${label}`;
  return `${ms} ms`;
}
