import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { type GraduationStatus } from '@gauntlet/contracts';

/** A graduation's status badge, with its reason when asked for. */
@Component({
  selector: 'g-graduation-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <span
      class="badge status"
      [class]="status()"
      data-testid="graduation-status"
      [attr.data-status]="status()"
      >{{ status() }}</span
    >
    @if (reason(); as r) {
      <small class="reason" data-testid="graduation-reason">{{ r }}</small>
    }
  `,
  styles: [
    `
      :host {
        display: inline-flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px 6px;
      }
      .badge.paper,
      .badge.evaluating {
        color: var(--accent);
        background: #15263d;
      }
      .badge.awaiting-approval {
        color: var(--warn);
        background: #332b12;
      }
      .badge.ramping {
        color: var(--up);
        background: #123029;
      }
      .badge.live {
        color: var(--up);
        background: #123029;
        font-weight: 600;
        text-transform: uppercase;
      }
      .badge.failed,
      .badge.rejected,
      .badge.expired,
      .badge.demoted,
      .badge.error {
        color: var(--down);
        background: #34181a;
      }
      .reason {
        color: var(--muted);
        font-size: 11px;
        max-width: 420px;
      }
    `,
  ],
})
export class GraduationStatusComponent {
  readonly status = input.required<GraduationStatus>();
  readonly reason = input<string | null>(null);
}
