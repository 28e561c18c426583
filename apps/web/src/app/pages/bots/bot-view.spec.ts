import { type BotEventDto, type BotFillDto } from '@gauntlet/contracts';
import {
  commandApplies,
  confirmation,
  fillLedger,
  fillMarkers,
  lastDecisionEvent,
  mergeEvents,
  riskLimitsBody,
} from './bot-view';

const event = (seq: number): BotEventDto => ({
  botId: 'b',
  seq,
  time: '2024-01-01T00:00:00.000Z',
  kind: 'status',
  message: `e${seq}`,
  data: null,
});

describe('bot view helpers', () => {
  it('enables the commands the docs table allows from each status', () => {
    expect(commandApplies('START', 'created')).toBe(true);
    expect(commandApplies('START', 'running')).toBe(false);
    expect(commandApplies('PAUSE', 'running')).toBe(true);
    expect(commandApplies('PAUSE', 'paused')).toBe(false);
    expect(commandApplies('RESUME', 'paused')).toBe(true);
    expect(commandApplies('STOP', 'created')).toBe(false);
    expect(commandApplies('KILL', 'stopped')).toBe(true);
    expect(commandApplies('KILL', 'killed')).toBe(false);
  });

  it('asks before KILL on any bot and before every command on a live bot', () => {
    const paper = { name: 'p1', mode: 'paper' as const };
    const live = { name: 'l1', mode: 'live' as const };
    expect(confirmation(paper, 'START')).toBeNull();
    expect(confirmation(paper, 'PAUSE')).toBeNull();
    const kill = confirmation(paper, 'KILL');
    expect(kill).toContain('"p1"');
    expect(kill).toContain('cancels its open orders');
    expect(kill).toContain('flattens its position');
    expect(confirmation(live, 'PAUSE')).toContain('"l1"');
    expect(confirmation(live, 'KILL')).toContain('LIVE');
  });

  it('marks buys and sells at their fill time and price', () => {
    const fills: BotFillDto[] = [
      {
        fillId: 'f1',
        clientOrderId: 'c1',
        side: 'buy',
        qty: 1,
        price: 100,
        fee: 0,
        time: '2024-01-01T00:01:00Z',
      },
      {
        fillId: 'f2',
        clientOrderId: 'c2',
        side: 'sell',
        qty: 1,
        price: 101.5,
        fee: 0,
        time: '2024-01-01T00:05:00Z',
      },
    ];
    expect(fillMarkers(fills)).toEqual([
      { time: Date.UTC(2024, 0, 1, 0, 1), price: 100, side: 'buy' },
      { time: Date.UTC(2024, 0, 1, 0, 5), price: 101.5, side: 'sell' },
    ]);
  });

  it('merges a replayed stream without repeats, in sequence order, keeping the newest', () => {
    const a = mergeEvents([], [event(2), event(1)]);
    expect(a.map((e) => e.seq)).toEqual([1, 2]);
    const b = mergeEvents(a, [event(1), event(2), event(3)]);
    expect(b.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(mergeEvents(b, [event(2)])).toBe(b);
    expect(mergeEvents(b, [event(4)], 2).map((e) => e.seq)).toEqual([3, 4]);
  });

  it('sends only the risk limits given a threshold', () => {
    expect(
      riskLimitsBody([
        { name: 'maxDrawdownPct', threshold: 20, action: 'pause' },
        { name: 'maxOrderQty', threshold: null, action: 'block' },
      ]),
    ).toEqual({ maxDrawdownPct: { threshold: 20, action: 'pause' } });
  });
});

describe('fill ledger', () => {
  it('adds a round trip up to a flat position with cash net of prices and fees', () => {
    const fills: BotFillDto[] = [
      { fillId: 'a', clientOrderId: 'c1', side: 'buy', qty: 0.1, price: 42_000, fee: 4.2, time: 't' },
      { fillId: 'b', clientOrderId: 'c2', side: 'buy', qty: 0.2, price: 42_100, fee: 8.42, time: 't' },
      { fillId: 'c', clientOrderId: 'c3', side: 'sell', qty: 0.3, price: 42_200, fee: 12.66, time: 't' },
    ];
    // 0.1 + 0.2 - 0.3 is 2.8e-17 in floating point; the ledger settles it at 0.
    const ledger = fillLedger(10_000, fills);
    expect(ledger.qty).toBe(0);
    // Bought 4200 + 8420 = 12620, sold 12660: +40 before fees of 25.28.
    expect(ledger.cash).toBeCloseTo(10_000 + 40 - 25.28, 9);
    expect(ledger.realisedPnl).toBeCloseTo(14.72, 9);
  });

  it('finds the newest decision event', () => {
    const events = [event(1), { ...event(2), kind: 'decision', message: 'buy' }, event(3)];
    expect(lastDecisionEvent(events)?.message).toBe('buy');
    expect(lastDecisionEvent([event(1)])).toBeNull();
  });
});
