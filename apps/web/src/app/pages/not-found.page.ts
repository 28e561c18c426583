import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

@Component({
  selector: 'g-not-found-page',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="panel empty">
      <h1>Not found</h1>
      <p>There is no page here. <a routerLink="/jobs">Go to your jobs</a>.</p>
    </div>
  `,
})
export class NotFoundPage {}
