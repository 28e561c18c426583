import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { type InstrumentCoverageDto, type QueueSummaryDto, type SyncJobDto } from '@gauntlet/contracts';
import { firstValueFrom } from 'rxjs';

/** The market-data endpoints the data page reads. */
@Injectable({ providedIn: 'root' })
export class DataApiService {
  private readonly http = inject(HttpClient);

  coverage(): Promise<InstrumentCoverageDto[]> {
    return firstValueFrom(this.http.get<InstrumentCoverageDto[]>('/api/data/coverage'));
  }

  queues(): Promise<QueueSummaryDto[]> {
    return firstValueFrom(this.http.get<QueueSummaryDto[]>('/api/admin/queues'));
  }

  retry(queue: string, jobId: string): Promise<SyncJobDto> {
    return firstValueFrom(
      this.http.post<SyncJobDto>(
        `/api/admin/queues/${encodeURIComponent(queue)}/jobs/${encodeURIComponent(jobId)}/retry`,
        {},
      ),
    );
  }
}
