import { type MigrationInterface } from 'typeorm';
import { InitialSchema1795305600000 } from './1795305600000-initial-schema';
import { AuditLog1795305700000 } from './1795305700000-audit-log';

/** Every migration, oldest first. New migrations are appended here. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [InitialSchema1795305600000, AuditLog1795305700000];
