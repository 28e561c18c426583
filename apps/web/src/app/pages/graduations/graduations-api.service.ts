import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import {
  type BotSizing,
  type GraduationCriteria,
  type GraduationDto,
  type GraduationPeriods,
  type VenueAccountDto,
} from '@gauntlet/contracts';
import { firstValueFrom } from 'rxjs';

/** The body of `POST /api/graduations` (apps/api/src/app/graduations/graduations.dto.ts). */
export interface CreateGraduationRequest {
  backtestId: string;
  venueAccountId: string;
  targetCapital: number;
  paperCapital?: number;
  rampSteps?: number[];
  criteria: GraduationCriteria;
  periods: GraduationPeriods;
  feed: { from?: string; stepMs: number };
  riskLimits?: Record<string, { threshold: number; action: string }>;
  sizing?: BotSizing;
}

export type GraduationDecisionKind = 'approve' | 'reject';

/** The graduations endpoints, and the venue accounts a graduation's live bot trades through. */
@Injectable({ providedIn: 'root' })
export class GraduationsApiService {
  private readonly http = inject(HttpClient);

  list(): Promise<GraduationDto[]> {
    return firstValueFrom(this.http.get<GraduationDto[]>('/api/graduations'));
  }

  get(id: string): Promise<GraduationDto> {
    return firstValueFrom(this.http.get<GraduationDto>(`/api/graduations/${encodeURIComponent(id)}`));
  }

  create(req: CreateGraduationRequest): Promise<GraduationDto> {
    return firstValueFrom(this.http.post<GraduationDto>('/api/graduations', req));
  }

  decide(id: string, decision: GraduationDecisionKind, note?: string): Promise<GraduationDto> {
    return firstValueFrom(
      this.http.post<GraduationDto>(`/api/graduations/${encodeURIComponent(id)}/decision`, {
        decision,
        ...(note ? { note } : {}),
      }),
    );
  }

  venueAccounts(): Promise<VenueAccountDto[]> {
    return firstValueFrom(this.http.get<VenueAccountDto[]>('/api/venue-accounts'));
  }
}
