import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type InstrumentDto, TIMEFRAMES } from '@gauntlet/contracts';
import { DatabaseService } from '../../services/database/database.service';

interface InstrumentRow {
  id: string;
  exchange: string;
  symbol: string;
  kind: InstrumentDto['kind'];
  quote_currency: string;
  tick_size: string;
  lot_size: string;
  first_bar: Date | null;
  last_bar: Date | null;
  bar_count: string;
}

@ApiTags('instruments')
@ApiBearerAuth()
@Controller('instruments')
export class InstrumentsController {
  constructor(private readonly db: DatabaseService) {}

  @Get()
  @ApiOkResponse({ description: 'Instruments with the range of stored 1-minute bars' })
  async list(): Promise<InstrumentDto[]> {
    const rows: InstrumentRow[] = await this.db.ds.query(`
      SELECT i.id, i.exchange, i.symbol, i.kind, i.quote_currency, i.tick_size, i.lot_size,
             b.first_bar, b.last_bar, coalesce(b.bar_count, 0) AS bar_count
        FROM instruments i
        LEFT JOIN LATERAL (
          SELECT min(time) AS first_bar, max(time) AS last_bar, count(*) AS bar_count
            FROM bars WHERE instrument_id = i.id) b ON true
       ORDER BY i.id`);
    return rows.map((r) => ({
      id: r.id,
      exchange: r.exchange,
      symbol: r.symbol,
      kind: r.kind,
      quoteCurrency: r.quote_currency,
      tickSize: Number(r.tick_size),
      lotSize: Number(r.lot_size),
      firstBar: r.first_bar ? r.first_bar.toISOString() : null,
      lastBar: r.last_bar ? r.last_bar.toISOString() : null,
      barCount: Number(r.bar_count),
      timeframes: [...TIMEFRAMES],
    }));
  }
}
