import { ChangeDetectionStrategy, Component, inject, type OnInit } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { ApiStatusService } from './core/api-status.service';
import { ApiDownBannerComponent } from './layout/api-down-banner.component';
import { HeaderComponent } from './layout/header.component';

@Component({
  selector: 'g-root',
  imports: [RouterOutlet, HeaderComponent, ApiDownBannerComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <g-header />
    <g-api-down-banner />
    <main>
      <router-outlet />
    </main>
  `,
  styles: [
    ':host { display: flex; flex-direction: column; min-height: 100vh; } main { flex: 1; padding: 16px 20px; }',
  ],
})
export class AppComponent implements OnInit {
  private readonly status = inject(ApiStatusService);

  ngOnInit(): void {
    this.status.start();
  }
}
