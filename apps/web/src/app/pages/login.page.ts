import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router } from '@angular/router';
import { AuthService } from '../core/auth.service';
import { toErrorResponse } from '../core/errors';

@Component({
  selector: 'g-login-page',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="panel login" (ngSubmit)="submit()" data-testid="login-form">
      <h1>Sign in</h1>
      @if (expired()) {
        <p class="notice">Your session ended. Sign in again to continue where you were.</p>
      }
      <label>
        Email
        <input name="email" type="email" autocomplete="username" required [(ngModel)]="email" />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autocomplete="current-password"
          required
          [(ngModel)]="password"
        />
      </label>
      @if (error(); as e) {
        <p class="error" role="alert">{{ e }}</p>
      }
      <button type="submit" class="primary" [disabled]="busy()">
        {{ busy() ? 'Signing in…' : 'Sign in' }}
      </button>
    </form>
  `,
  styles: [
    `
      .login {
        max-width: 340px;
        margin: 10vh auto;
        display: flex;
        flex-direction: column;
        gap: 12px;
      }
      h1 {
        margin: 0 0 4px;
        font-size: 18px;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 4px;
        font-size: 12px;
        color: var(--muted);
      }
      .notice {
        color: var(--warn);
        font-size: 12px;
        margin: 0;
      }
    `,
  ],
})
export class LoginPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  readonly returnUrl = input<string>();
  readonly expired = input<string>();
  protected email = '';
  protected password = '';
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected async submit(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.auth.login(this.email, this.password);
      const target = this.returnUrl();
      await this.router.navigateByUrl(
        target && target.startsWith('/') && !target.startsWith('/login') ? target : '/jobs',
      );
    } catch (err) {
      const e = toErrorResponse(err);
      this.error.set(e.statusCode === 401 ? 'Wrong email or password.' : e.message);
    } finally {
      this.busy.set(false);
    }
  }
}
