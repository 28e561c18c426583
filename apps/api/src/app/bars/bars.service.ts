import { type Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { type GauntletConfig } from '@gauntlet/config';
import { type BarDto, type FieldError } from '@gauntlet/contracts';
import { type BarColumns, InstrumentEntity } from '@gauntlet/db';
import { encodeArrowBarsStream, loadBars } from '@gauntlet/market-data';
import { CONFIG } from '../../services/config/config.module';
import { DatabaseService } from '../../services/database/database.service';
import { notFound, validationError } from '../common/errors';
import { type BarsQueryDto } from './bars.dto';

// The same ceiling as a backtest: one request may not ask for more than five years of bars.
const MAX_RANGE_MS = 5 * 366 * 86_400_000;

@Injectable()
export class BarsService {
  constructor(
    private readonly db: DatabaseService,
    @Inject(CONFIG) private readonly config: GauntletConfig,
  ) {}

  /** The bars, and which stored series they come from (see `chooseBarsSource`). */
  async load(query: BarsQueryDto): Promise<{ bars: BarColumns; source: string | null }> {
    const from = Date.parse(query.from);
    const to = Date.parse(query.to);
    const errors: FieldError[] = [];
    if (!(from < to)) errors.push({ field: 'to', reason: 'must be after from' });
    else if (to - from > MAX_RANGE_MS) errors.push({ field: 'to', reason: 'range must be at most 5 years' });
    if (errors.length > 0) throw validationError(errors);
    const instrument = await this.db.ds.getRepository(InstrumentEntity).findOneBy({ id: query.instrument });
    if (!instrument) throw notFound('Instrument', query.instrument);
    return loadBars(
      this.db.pool,
      this.config.databaseSchema,
      { instrumentId: instrument.id, timeframe: query.timeframe, from, to },
      this.db.bars,
    );
  }

  /** The bars as an Arrow IPC stream, written from the columns' own memory. */
  toArrow(bars: BarColumns): Readable {
    return encodeArrowBarsStream(bars);
  }

  toJson(bars: BarColumns): BarDto[] {
    const out: BarDto[] = new Array<BarDto>(bars.length);
    for (let i = 0; i < bars.length; i++) {
      out[i] = {
        time: new Date(bars.time[i] as number).toISOString(),
        open: bars.open[i] as number,
        high: bars.high[i] as number,
        low: bars.low[i] as number,
        close: bars.close[i] as number,
        volume: bars.volume[i] as number,
      };
    }
    return out;
  }
}
