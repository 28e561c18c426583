import { type MigrationInterface } from 'typeorm';
import { InitialSchema1795305600000 } from './1795305600000-initial-schema';

/** Every migration, oldest first. New migrations are appended here. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [InitialSchema1795305600000];
