import { clientOrderId } from '@gauntlet/trading';
import { ownSeq } from './bot-store';

describe('ownSeq', () => {
  it("decodes the sequence number of the bot's own client order ids", () => {
    for (const seq of [0, 1, 35, 36, 1_000_000]) {
      expect(ownSeq('bot-a', clientOrderId('bot-a', seq))).toBe(seq);
    }
  });

  it("refuses another bot's ids and ids that are not client order ids", () => {
    expect(ownSeq('bot-a', clientOrderId('bot-b', 3))).toBeUndefined();
    expect(ownSeq('bot-a', 'liquidation')).toBeUndefined();
    // Same prefix, but not what clientOrderId would produce for any seq (a leading zero).
    expect(ownSeq('bot-a', `${clientOrderId('bot-a', 0)}0`)).toBeUndefined();
  });
});
