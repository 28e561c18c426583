import { type Routes } from '@angular/router';
import { authGuard } from './core/auth.guard';

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'jobs' },
  {
    path: 'login',
    title: 'Sign in · Gauntlet',
    loadComponent: () => import('./pages/login.page').then((m) => m.LoginPage),
  },
  {
    path: 'jobs',
    title: 'Jobs · Gauntlet',
    canActivate: [authGuard],
    loadComponent: () => import('./pages/jobs.page').then((m) => m.JobsPage),
  },
  {
    path: 'backtests/new',
    title: 'New backtest · Gauntlet',
    canActivate: [authGuard],
    loadComponent: () => import('./pages/new-backtest.page').then((m) => m.NewBacktestPage),
  },
  {
    path: 'backtests/:id',
    title: 'Backtest report · Gauntlet',
    canActivate: [authGuard],
    loadComponent: () => import('./pages/backtest-report.page').then((m) => m.BacktestReportPage),
  },
  {
    path: 'sweeps/:id',
    title: 'Sweep report · Gauntlet',
    canActivate: [authGuard],
    loadComponent: () => import('./pages/research/sweep-report.page').then((m) => m.SweepReportPage),
  },
  {
    path: 'walk-forwards/:id',
    title: 'Walk-forward report · Gauntlet',
    canActivate: [authGuard],
    loadComponent: () =>
      import('./pages/research/walk-forward-report.page').then((m) => m.WalkForwardReportPage),
  },
  {
    path: 'monte-carlo/:id',
    title: 'Monte Carlo report · Gauntlet',
    canActivate: [authGuard],
    loadComponent: () =>
      import('./pages/research/monte-carlo-report.page').then((m) => m.MonteCarloReportPage),
  },
  {
    path: 'data',
    title: 'Market data · Gauntlet',
    canActivate: [authGuard],
    loadComponent: () => import('./pages/data/data.page').then((m) => m.DataPage),
  },
  {
    path: 'bots',
    title: 'Bots · Gauntlet',
    canActivate: [authGuard],
    loadComponent: () => import('./pages/bots/bots.page').then((m) => m.BotsPage),
  },
  {
    path: 'bots/:id',
    title: 'Bot · Gauntlet',
    canActivate: [authGuard],
    loadComponent: () => import('./pages/bots/bot-detail.page').then((m) => m.BotDetailPage),
  },
  {
    path: 'graduations',
    title: 'Graduations · Gauntlet',
    canActivate: [authGuard],
    loadComponent: () => import('./pages/graduations/graduations.page').then((m) => m.GraduationsPage),
  },
  {
    path: 'graduations/:id',
    title: 'Graduation · Gauntlet',
    canActivate: [authGuard],
    loadComponent: () =>
      import('./pages/graduations/graduation-detail.page').then((m) => m.GraduationDetailPage),
  },
  {
    path: '**',
    title: 'Not found · Gauntlet',
    loadComponent: () => import('./pages/not-found.page').then((m) => m.NotFoundPage),
  },
];
