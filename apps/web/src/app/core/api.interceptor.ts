import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, tap, throwError } from 'rxjs';
import { ApiStatusService } from './api-status.service';
import { AuthService } from './auth.service';

/** A gateway in front of the API answers these when the API process is not there. */
const UNREACHABLE = new Set([0, 502, 504]);

export const apiInterceptor: HttpInterceptorFn = (req, next) => {
  const auth = inject(AuthService);
  const status = inject(ApiStatusService);
  const router = inject(Router);
  const token = auth.token();
  const isLogin = req.url.endsWith('/api/auth/login');
  const authed = token && !isLogin ? req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : req;
  return next(authed).pipe(
    tap(() => status.markReachable()),
    catchError((err: unknown) => {
      if (err instanceof HttpErrorResponse) {
        if (UNREACHABLE.has(err.status)) status.markUnreachable();
        else status.markReachable();
        if (err.status === 401 && !isLogin) auth.expire(router.url);
      }
      return throwError(() => err);
    }),
  );
};
