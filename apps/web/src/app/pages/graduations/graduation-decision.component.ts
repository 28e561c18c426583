import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { type GraduationDto } from '@gauntlet/contracts';
import { toErrorResponse } from '../../core/errors';
import { decisionConfirmation } from './graduation-view';
import { type GraduationDecisionKind, GraduationsApiService } from './graduations-api.service';

/**
 * An admin's Approve / Reject of a graduation that waits for one. Either asks in a dialog first,
 * with an optional note that the timeline records.
 */
@Component({
  selector: 'g-graduation-decision',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <span class="controls" role="group" aria-label="Decision">
      <button
        type="button"
        class="primary"
        data-testid="decision-approve"
        [disabled]="busy()"
        (click)="ask('approve')"
      >
        Approve
      </button>
      <button
        type="button"
        class="danger"
        data-testid="decision-reject"
        [disabled]="busy()"
        (click)="ask('reject')"
      >
        Reject
      </button>
    </span>
    @if (error(); as e) {
      <small class="field-error" role="alert" data-testid="decision-error">{{ e }}</small>
    }
    @if (pending(); as p) {
      <div class="backdrop" (click)="cancel()"></div>
      <div
        class="dialog panel"
        role="dialog"
        aria-modal="true"
        [attr.aria-label]="'Confirm ' + p.decision"
        data-testid="confirm-dialog"
      >
        <h2>{{ p.decision === 'approve' ? 'Approve' : 'Reject' }} graduation</h2>
        <p data-testid="confirm-text">{{ p.text }}</p>
        <label class="note">
          <span class="muted">Note (optional)</span>
          <input type="text" name="note" data-testid="decision-note" maxlength="500" [(ngModel)]="note" />
        </label>
        <div class="actions">
          <button type="button" data-testid="confirm-cancel" (click)="cancel()">Cancel</button>
          <button
            type="button"
            data-testid="confirm-ok"
            [class.danger]="p.decision === 'reject'"
            [class.primary]="p.decision === 'approve'"
            (click)="confirm()"
          >
            {{ p.decision === 'approve' ? 'Approve' : 'Reject' }}
          </button>
        </div>
      </div>
    }
  `,
  styles: [
    `
      :host {
        display: inline-flex;
        flex-direction: column;
        gap: 3px;
      }
      .controls {
        display: inline-flex;
        gap: 6px;
      }
      .backdrop {
        position: fixed;
        inset: 0;
        background: rgba(0, 0, 0, 0.55);
        z-index: 20;
      }
      .dialog {
        position: fixed;
        top: 20vh;
        left: 50%;
        transform: translateX(-50%);
        width: min(480px, 90vw);
        z-index: 21;
        white-space: normal;
      }
      h2 {
        font-size: 15px;
        margin: 0 0 8px;
      }
      .note {
        display: flex;
        flex-direction: column;
        gap: 3px;
        font-size: 12px;
        margin-bottom: 12px;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 8px;
      }
    `,
  ],
})
export class GraduationDecisionComponent {
  private readonly api = inject(GraduationsApiService);

  readonly graduation = input.required<GraduationDto>();
  /** A decision the API accepted (202), with the graduation as it answered. */
  readonly decided = output<GraduationDto>();

  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly pending = signal<{ decision: GraduationDecisionKind; text: string } | null>(null);
  protected note = '';

  protected ask(decision: GraduationDecisionKind): void {
    this.error.set(null);
    this.note = '';
    this.pending.set({ decision, text: decisionConfirmation(this.graduation(), decision) });
  }

  protected cancel(): void {
    this.pending.set(null);
  }

  protected confirm(): void {
    const p = this.pending();
    this.pending.set(null);
    if (p) void this.send(p.decision, this.note.trim());
  }

  private async send(decision: GraduationDecisionKind, note: string): Promise<void> {
    this.busy.set(true);
    try {
      this.decided.emit(await this.api.decide(this.graduation().id, decision, note || undefined));
    } catch (err) {
      this.error.set(toErrorResponse(err).message);
    } finally {
      this.busy.set(false);
    }
  }
}
