import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { ApiStatusService } from '../core/api-status.service';

@Component({
  selector: 'g-api-down-banner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (!status.reachable()) {
      <div class="banner" role="alert" data-testid="api-down">
        <strong>The API is not reachable.</strong>
        <span
          >Jobs keep running on the server; this page will reconnect by itself. Start it with
          <code>npm start</code> if it is not running.</span
        >
        <button type="button" (click)="retry()" [disabled]="status.checking()">
          {{ status.checking() ? 'Retrying…' : 'Retry now' }}
        </button>
      </div>
    }
  `,
  styles: [
    `
      .banner {
        display: flex;
        gap: 12px;
        align-items: center;
        padding: 8px 20px;
        background: #3b1d1f;
        color: #ffd7d5;
        border-bottom: 1px solid var(--down);
        font-size: 13px;
      }
      .banner span {
        flex: 1;
      }
    `,
  ],
})
export class ApiDownBannerComponent {
  protected readonly status = inject(ApiStatusService);

  /** Pages reload their own data when the check succeeds (ApiStatusService.recovered). */
  protected retry(): void {
    void this.status.check();
  }
}
