import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldError } from '@gauntlet/contracts';
import { validationError } from './errors';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Every bad field, with a dotted path and the reason, in one 400. Unknown fields are rejected. */
export const apiValidationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => {
    const details = flatten(errors).map((d) =>
      d.reason.startsWith('property ') && d.reason.endsWith(' should not exist')
        ? { field: d.field, reason: 'is not a known field' }
        : d,
    );
    return validationError(details);
  },
});
