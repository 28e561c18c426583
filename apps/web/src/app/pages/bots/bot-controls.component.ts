import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { BOT_COMMANDS, type BotCommand, type BotDto } from '@gauntlet/contracts';
import { toErrorResponse } from '../../core/errors';
import { BotsApiService } from './bots-api.service';
import { commandApplies, confirmation, currentStatus } from './bot-view';

/**
 * START / PAUSE / RESUME / STOP / KILL for one bot, each enabled only where the API accepts it.
 * KILL, and any command on a live bot, waits for the user to confirm in a dialog.
 */
@Component({
  selector: 'g-bot-controls',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <span class="controls" role="group" [attr.aria-label]="'Commands for ' + bot().name">
      @for (c of commands; track c) {
        <button
          type="button"
          [class.danger]="c === 'KILL'"
          [attr.data-testid]="'cmd-' + c"
          [disabled]="busy() || !enabled()[c]"
          (click)="ask(c)"
        >
          {{ c }}
        </button>
      }
    </span>
    @if (error(); as e) {
      <small class="field-error" role="alert" data-testid="command-error">{{ e }}</small>
    }
    @if (pending(); as p) {
      <div class="backdrop" (click)="cancel()"></div>
      <div
        class="dialog panel"
        role="dialog"
        aria-modal="true"
        [attr.aria-label]="'Confirm ' + p.command"
        data-testid="confirm-dialog"
      >
        <h2>{{ p.command }} {{ bot().name }}</h2>
        <p data-testid="confirm-text">{{ p.text }}</p>
        <div class="actions">
          <button type="button" data-testid="confirm-cancel" (click)="cancel()">Cancel</button>
          <button
            type="button"
            data-testid="confirm-ok"
            [class.danger]="p.command === 'KILL'"
            [class.primary]="p.command !== 'KILL'"
            (click)="confirm()"
          >
            {{ p.command }}
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
        gap: 4px;
      }
      .controls button {
        padding: 2px 8px;
        font-size: 11px;
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
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 8px;
      }
    `,
  ],
})
export class BotControlsComponent {
  private readonly api = inject(BotsApiService);

  readonly bot = input.required<BotDto>();
  /** A command the API accepted (202). */
  readonly sent = output<BotCommand>();

  protected readonly commands = BOT_COMMANDS;
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly pending = signal<{ command: BotCommand; text: string } | null>(null);

  protected readonly enabled = computed(() => {
    const status = currentStatus(this.bot());
    return Object.fromEntries(BOT_COMMANDS.map((c) => [c, commandApplies(c, status)])) as Record<
      BotCommand,
      boolean
    >;
  });

  protected ask(command: BotCommand): void {
    this.error.set(null);
    const text = confirmation(this.bot(), command);
    if (text) this.pending.set({ command, text });
    else void this.send(command);
  }

  protected cancel(): void {
    this.pending.set(null);
  }

  protected confirm(): void {
    const p = this.pending();
    this.pending.set(null);
    if (p) void this.send(p.command);
  }

  private async send(command: BotCommand): Promise<void> {
    this.busy.set(true);
    try {
      await this.api.command(this.bot().id, command);
      this.sent.emit(command);
    } catch (err) {
      this.error.set(toErrorResponse(err).message);
    } finally {
      this.busy.set(false);
    }
  }
}
