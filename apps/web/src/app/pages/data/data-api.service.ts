import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import {
  type ImportResultDto,
  type InstrumentCoverageDto,
  type QueueSummaryDto,
  type SyncJobDto,
  type SyncRequestDto,
} from '@gauntlet/contracts';
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

  /**
   * Uploads a bar file. A file refused for its rows answers 400 with the validation report, which
   * is a result to show rather than a failure, so it resolves; other errors reject.
   */
  async importFile(form: FormData): Promise<ImportResultDto> {
    try {
      return await firstValueFrom(this.http.post<ImportResultDto>('/api/data/imports', form));
    } catch (err) {
      if (err instanceof HttpErrorResponse && err.status === 400 && isImportResult(err.error))
        return err.error;
      throw err;
    }
  }

  syncs(): Promise<SyncJobDto[]> {
    return firstValueFrom(this.http.get<SyncJobDto[]>('/api/data/syncs'));
  }

  sync(id: string): Promise<SyncJobDto> {
    return firstValueFrom(this.http.get<SyncJobDto>(`/api/data/syncs/${encodeURIComponent(id)}`));
  }

  startSync(req: SyncRequestDto): Promise<SyncJobDto> {
    return firstValueFrom(this.http.post<SyncJobDto>('/api/data/syncs', req));
  }
}

function isImportResult(body: unknown): body is ImportResultDto {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as Partial<ImportResultDto>).status === 'rejected' &&
    typeof (body as Partial<ImportResultDto>).report === 'object'
  );
}
