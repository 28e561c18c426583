import { type GraduationStepDto, type GraduationTradePair, type TradeDto } from '@gauntlet/contracts';
import {
  canDecide,
  criterionLabel,
  decisionConfirmation,
  formatFraction,
  formatPeriod,
  formatStepTime,
  graduationBots,
  isFinal,
  opSymbol,
  orderedSteps,
  pairCounts,
  pairRows,
  parseRampSteps,
} from './graduation-view';

const trade = (over: Partial<TradeDto> = {}): TradeDto => ({
  side: 'long',
  size: 0.1,
  entryBar: 3,
  exitBar: 9,
  entryTime: '2024-01-01T00:03:00.000Z',
  exitTime: '2024-01-01T00:09:00.000Z',
  entryPrice: 42_000,
  exitPrice: 42_100,
  pnl: 10,
  returnPct: 0.0024,
  fees: 0,
  ...over,
});

const step = (seq: number, name: string): GraduationStepDto => ({
  seq,
  step: name,
  status: 'paper',
  message: name,
  data: null,
  time: `2024-01-01T00:00:0${seq}.000Z`,
});

describe('graduation view helpers', () => {
  it('treats exactly the final statuses as final', () => {
    for (const s of ['failed', 'rejected', 'expired', 'demoted', 'ended', 'error'] as const)
      expect(isFinal(s)).toBe(true);
    for (const s of ['paper', 'evaluating', 'awaiting-approval', 'ramping', 'live'] as const)
      expect(isFinal(s)).toBe(false);
  });

  it('lets only an admin decide, and only while the graduation awaits approval', () => {
    expect(canDecide('admin', 'awaiting-approval')).toBe(true);
    expect(canDecide('trader', 'awaiting-approval')).toBe(false);
    expect(canDecide('researcher', 'awaiting-approval')).toBe(false);
    expect(canDecide(null, 'awaiting-approval')).toBe(false);
    expect(canDecide('admin', 'paper')).toBe(false);
    expect(canDecide('admin', 'ramping')).toBe(false);
    expect(canDecide('admin', 'rejected')).toBe(false);
  });

  it('asks before approving with the live stake spelled out, and before rejecting', () => {
    const g = {
      strategy: 'sma-crossover',
      instrument: 'x:BTCUSDT',
      targetCapital: 20_000,
      rampSteps: [0.25, 1],
    };
    const approve = decisionConfirmation(g, 'approve');
    expect(approve).toContain('LIVE');
    expect(approve).toContain('25%');
    expect(approve).toContain('20,000');
    expect(approve).toContain('sma-crossover on x:BTCUSDT');
    const reject = decisionConfirmation(g, 'reject');
    expect(reject).toContain('Reject');
    expect(reject).toContain('stays on paper');
  });

  it('shows capital fractions as percentages', () => {
    expect(formatFraction(0.25)).toBe('25%');
    expect(formatFraction(1)).toBe('100%');
    expect(formatFraction(1 / 3)).toBe('33.33%');
    expect(formatFraction(0)).toBe('0%');
    expect(formatFraction(null)).toBe('—');
  });

  it('orders the timeline by sequence number without changing the input', () => {
    const steps = [step(3, 'evaluated'), step(1, 'created'), step(2, 'paper-started')];
    expect(orderedSteps(steps).map((s) => s.step)).toEqual(['created', 'paper-started', 'evaluated']);
    expect(steps[0]?.seq).toBe(3);
  });

  it('labels the criteria and their operators', () => {
    expect(criterionLabel('minTrades')).toBe('Closed paper trades');
    expect(criterionLabel('maxTrackingError')).toBe('Tracking error');
    expect(opSymbol('>=')).toBe('≥');
    expect(opSymbol('<=')).toBe('≤');
  });

  it('turns pairs into rows, highlighting only the fields a different pair names', () => {
    const pairs: GraduationTradePair[] = [
      { kind: 'matched', expected: trade(), actual: trade(), fields: [] },
      {
        kind: 'different',
        expected: trade({ entryTime: '2024-01-01T00:20:00.000Z', exitPrice: 42_100, pnl: 10 }),
        actual: trade({ entryTime: '2024-01-01T00:20:00.000Z', exitPrice: 42_050, pnl: 5 }),
        fields: ['exitPrice', 'pnl'],
      },
      {
        kind: 'missing',
        expected: trade({ entryTime: '2024-01-01T00:30:00.000Z', side: 'short', size: 0.2 }),
        actual: null,
        fields: [],
      },
      {
        kind: 'unexpected',
        expected: null,
        actual: trade({ entryTime: '2024-01-01T00:40:00.000Z', size: 0.3 }),
        fields: [],
      },
    ];
    const rows = pairRows(pairs);
    expect(rows.map((r) => r.kind)).toEqual(['matched', 'different', 'missing', 'unexpected']);
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(Object.values(rows[0]!.differs).some(Boolean)).toBe(false);
    expect(rows[1]!.differs).toEqual({
      size: false,
      entryPrice: false,
      exitPrice: true,
      exitTime: false,
      pnl: true,
      fees: false,
    });
    // A missing trade takes its entry, side and size from the backtest, an unexpected one from paper.
    expect([rows[2]!.entryTime, rows[2]!.side, rows[2]!.size]).toEqual([
      '2024-01-01T00:30:00.000Z',
      'short',
      0.2,
    ]);
    expect(rows[2]!.actual).toBeNull();
    expect([rows[3]!.entryTime, rows[3]!.side, rows[3]!.size]).toEqual([
      '2024-01-01T00:40:00.000Z',
      'long',
      0.3,
    ]);
    expect(rows[3]!.expected).toBeNull();
    expect(pairCounts(pairs)).toEqual({ matched: 1, different: 1, missing: 1, unexpected: 1 });
    expect(pairCounts([])).toEqual({ matched: 0, different: 0, missing: 0, unexpected: 0 });
  });

  it('reads ramp steps typed as a list and refuses anything that is not a number', () => {
    expect(parseRampSteps('0.25, 0.5, 1')).toEqual([0.25, 0.5, 1]);
    expect(parseRampSteps(' 0.1;0.5  1 ')).toEqual([0.1, 0.5, 1]);
    expect(parseRampSteps('1')).toEqual([1]);
    expect(parseRampSteps('')).toBeNull();
    expect(parseRampSteps('0.5, half, 1')).toBeNull();
  });

  it('lists the bots a graduation started in the order it started them', () => {
    expect(graduationBots({ paperBotId: null, liveBotId: null, demotedBotId: null })).toEqual([]);
    expect(
      graduationBots({ paperBotId: 'p', liveBotId: 'l', demotedBotId: 'd' }).map((b) => [b.stage, b.id]),
    ).toEqual([
      ['paper', 'p'],
      ['live', 'l'],
      ['demoted', 'd'],
    ]);
  });

  it('writes step times to the second', () => {
    expect(formatStepTime('2024-01-01T10:04:05.123Z')).toBe('2024-01-01 10:04:05Z');
    expect(formatStepTime('2024-01-01T10:04:05Z')).toBe('2024-01-01 10:04:05Z');
    expect(formatStepTime(null)).toBe('—');
  });

  it('writes periods in the largest whole unit', () => {
    expect(formatPeriod(7 * 86_400_000)).toBe('7 d');
    expect(formatPeriod(36 * 3_600_000)).toBe('36 h');
    expect(formatPeriod(60_000)).toBe('1 min');
    expect(formatPeriod(3000)).toBe('3 s');
    expect(formatPeriod(1500)).toBe('1500 ms');
    expect(formatPeriod(300)).toBe('300 ms');
    expect(formatPeriod(null)).toBe('—');
  });
});
