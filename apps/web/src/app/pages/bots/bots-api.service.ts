import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import {
  type BotCommand,
  type BotDto,
  type BotFillDto,
  type BotOrderDto,
  type BotSizing,
  type FeeSettings,
  type ParamValues,
  type Timeframe,
} from '@gauntlet/contracts';
import { firstValueFrom } from 'rxjs';

/** The body of `POST /api/bots` (apps/api/src/app/bots/bots.dto.ts). */
export interface CreateBotRequest {
  name: string;
  strategy: string;
  params: ParamValues;
  instrument: string;
  mode: 'paper' | 'live';
  capital: number;
  riskLimits?: Record<string, { threshold: number; action: string }>;
  feed: { kind: 'replay' | 'live'; from: string; timeframe?: Timeframe; stepMs: number };
  fees?: FeeSettings;
  sizing?: BotSizing;
  sizingHeadroom?: number;
}

export interface BotCommandResponse {
  botId: string;
  command: BotCommand;
  previousStatus: string;
}

/** The bots endpoints; kept beside the pages that use them. */
@Injectable({ providedIn: 'root' })
export class BotsApiService {
  private readonly http = inject(HttpClient);

  list(): Promise<BotDto[]> {
    return firstValueFrom(this.http.get<BotDto[]>('/api/bots'));
  }

  get(id: string): Promise<BotDto> {
    return firstValueFrom(this.http.get<BotDto>(`/api/bots/${encodeURIComponent(id)}`));
  }

  create(req: CreateBotRequest): Promise<BotDto> {
    return firstValueFrom(this.http.post<BotDto>('/api/bots', req));
  }

  command(id: string, command: BotCommand): Promise<BotCommandResponse> {
    return firstValueFrom(
      this.http.post<BotCommandResponse>(`/api/bots/${encodeURIComponent(id)}/commands`, { command }),
    );
  }

  orders(id: string): Promise<BotOrderDto[]> {
    return firstValueFrom(this.http.get<BotOrderDto[]>(`/api/bots/${encodeURIComponent(id)}/orders`));
  }

  fills(id: string): Promise<BotFillDto[]> {
    return firstValueFrom(this.http.get<BotFillDto[]>(`/api/bots/${encodeURIComponent(id)}/fills`));
  }
}
