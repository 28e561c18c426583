import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import {
  type BacktestReportDto,
  type BacktestRequest,
  type InstrumentDto,
  type JobDto,
  type JobLineageDto,
  type JobListQuery,
  type MonteCarloReportDto,
  type Page,
  type StrategyDescriptor,
  type SweepReportDto,
  type SweepResultRow,
  type SweepResultsQuery,
  type Timeframe,
  type WalkForwardReportDto,
} from '@gauntlet/contracts';
import { firstValueFrom } from 'rxjs';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

/** The REST API, typed by the shared contracts so the client and the server cannot drift. */
@Injectable({ providedIn: 'root' })
export class ApiService {
  private readonly http = inject(HttpClient);

  strategies(): Promise<StrategyDescriptor[]> {
    return firstValueFrom(this.http.get<StrategyDescriptor[]>('/api/strategies'));
  }

  instruments(): Promise<InstrumentDto[]> {
    return firstValueFrom(this.http.get<InstrumentDto[]>('/api/instruments'));
  }

  jobs(query: JobListQuery): Promise<Page<JobDto>> {
    let params = new HttpParams();
    for (const [k, v] of Object.entries(query))
      if (v !== undefined && v !== '') params = params.set(k, String(v));
    return firstValueFrom(this.http.get<Page<JobDto>>('/api/jobs', { params }));
  }

  job(id: string): Promise<JobDto> {
    return firstValueFrom(this.http.get<JobDto>(`/api/jobs/${encodeURIComponent(id)}`));
  }

  cancelJob(id: string): Promise<JobDto> {
    return firstValueFrom(this.http.post<JobDto>(`/api/jobs/${encodeURIComponent(id)}/cancel`, {}));
  }

  startBacktest(req: BacktestRequest): Promise<JobDto> {
    return firstValueFrom(this.http.post<JobDto>('/api/backtests', req));
  }

  backtest(id: string): Promise<BacktestReportDto> {
    return firstValueFrom(this.http.get<BacktestReportDto>(`/api/backtests/${encodeURIComponent(id)}`));
  }

  equityArrow(id: string): Promise<ArrayBuffer> {
    return firstValueFrom(
      this.http.get(`/api/backtests/${encodeURIComponent(id)}/equity`, {
        responseType: 'arraybuffer',
        headers: { Accept: ARROW_STREAM },
      }),
    );
  }

  barsArrow(instrument: string, timeframe: Timeframe, from: string, to: string): Promise<ArrayBuffer> {
    const params = new HttpParams()
      .set('instrument', instrument)
      .set('timeframe', timeframe)
      .set('from', from)
      .set('to', to);
    return firstValueFrom(
      this.http.get('/api/bars', { params, responseType: 'arraybuffer', headers: { Accept: ARROW_STREAM } }),
    );
  }

  lineage(id: string): Promise<JobLineageDto> {
    return firstValueFrom(this.http.get<JobLineageDto>(`/api/jobs/${encodeURIComponent(id)}/lineage`));
  }

  sweep(id: string): Promise<SweepReportDto> {
    return firstValueFrom(this.http.get<SweepReportDto>(`/api/sweeps/${encodeURIComponent(id)}`));
  }

  sweepResults(id: string, query: SweepResultsQuery): Promise<Page<SweepResultRow>> {
    let params = new HttpParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params = params.set(k, String(v));
    return firstValueFrom(
      this.http.get<Page<SweepResultRow>>(`/api/sweeps/${encodeURIComponent(id)}/results`, { params }),
    );
  }

  walkForward(id: string): Promise<WalkForwardReportDto> {
    return firstValueFrom(
      this.http.get<WalkForwardReportDto>(`/api/walk-forwards/${encodeURIComponent(id)}`),
    );
  }

  walkForwardEquityArrow(id: string): Promise<ArrayBuffer> {
    return firstValueFrom(
      this.http.get(`/api/walk-forwards/${encodeURIComponent(id)}/equity`, {
        responseType: 'arraybuffer',
        headers: { Accept: ARROW_STREAM },
      }),
    );
  }

  monteCarlo(id: string): Promise<MonteCarloReportDto> {
    return firstValueFrom(this.http.get<MonteCarloReportDto>(`/api/monte-carlo/${encodeURIComponent(id)}`));
  }
}
