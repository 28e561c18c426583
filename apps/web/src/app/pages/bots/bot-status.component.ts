import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { type BotDto } from '@gauntlet/contracts';
import { currentStatus } from './bot-view';

/** The bot's mode and status badges, with the reason it is paused, stopped or killed. */
@Component({
  selector: 'g-bot-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <span class="badge mode" [class.live]="bot().mode === 'live'" data-testid="bot-mode-badge">{{
      bot().mode
    }}</span>
    <span class="badge status" [class]="status()" data-testid="bot-status" [attr.data-status]="status()">{{
      status()
    }}</span>
    @if (reason(); as r) {
      <small class="reason" data-testid="bot-reason">{{ r }}</small>
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
      .badge.live {
        color: var(--down);
        background: #34181a;
        font-weight: 600;
        text-transform: uppercase;
      }
      .badge.running {
        color: var(--up);
        background: #123029;
      }
      .badge.paused,
      .badge.stopped {
        color: var(--warn);
        background: #332b12;
      }
      .badge.killed {
        color: var(--down);
        background: #34181a;
      }
      .reason {
        color: var(--muted);
        font-size: 11px;
        max-width: 320px;
      }
    `,
  ],
})
export class BotStatusComponent {
  readonly bot = input.required<BotDto>();
  protected readonly status = computed(() => currentStatus(this.bot()));
  protected readonly reason = computed(() => {
    const s = this.status();
    return s === 'running' || s === 'created' ? null : (this.bot().state?.reason ?? null);
  });
}
