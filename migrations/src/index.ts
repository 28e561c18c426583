import { type MigrationInterface } from 'typeorm';
import { InitialSchema1795305600000 } from './1795305600000-initial-schema';
import { AuditLog1795305700000 } from './1795305700000-audit-log';
import { SweepResults1795392000000 } from './1795392000000-sweep-results';
import { MarketData1795478400000 } from './1795478400000-market-data';
import { MonteCarloResults1795564800000 } from './1795564800000-monte-carlo-results';
import { WalkForward1795651200000 } from './1795651200000-walk-forward';
import { Schedules1795740000000 } from './1795740000000-schedules';
import { NativeBars1795830000000 } from './1795830000000-native-bars';
import { SweepCells1795833600000 } from './1795833600000-sweep-cells';
import { Bots1795920000000 } from './1795920000000-bots';
import { Webhooks1795925000000 } from './1795925000000-webhooks';
import { BarsByteOrder1795930000000 } from './1795930000000-bars-byte-order';
import { VenueAccounts1795940000000 } from './1795940000000-venue-accounts';
import { Graduations1795942000000 } from './1795942000000-graduations';
import { NotificationOutbox1795945000000 } from './1795945000000-notification-outbox';

/** Every migration, oldest first. New migrations are appended here. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [
  InitialSchema1795305600000,
  AuditLog1795305700000,
  SweepResults1795392000000,
  MarketData1795478400000,
  MonteCarloResults1795564800000,
  WalkForward1795651200000,
  Schedules1795740000000,
  NativeBars1795830000000,
  SweepCells1795833600000,
  Bots1795920000000,
  Webhooks1795925000000,
  BarsByteOrder1795930000000,
  VenueAccounts1795940000000,
  Graduations1795942000000,
  NotificationOutbox1795945000000,
];
