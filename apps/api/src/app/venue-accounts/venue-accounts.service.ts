import { Inject, Injectable } from '@nestjs/common';
import { type GauntletConfig } from '@gauntlet/config';
import { type VenueAccountDto } from '@gauntlet/contracts';
import { VenueAccountEntity } from '@gauntlet/db';
import { CredentialCipher, ENCRYPTION_KEY_VAR } from '@gauntlet/trading';
import { CONFIG } from '../../services/config/config.module';
import { DatabaseService } from '../../services/database/database.service';
import { type AuthUser } from '../auth/auth.types';
import { DomainError, ErrorCode, notFound, validationError } from '../common/errors';
import { type CreateVenueAccountRequestDto } from './venue-accounts.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cipher the worker opens credentials with: the configured key, and any retired ones. */
export function credentialCipher(config: GauntletConfig): CredentialCipher {
  return CredentialCipher.fromEnv({ ...process.env, [ENCRYPTION_KEY_VAR]: config.encryptionKey });
}

@Injectable()
export class VenueAccountsService {
  private readonly cipher: CredentialCipher;

  constructor(
    private readonly db: DatabaseService,
    @Inject(CONFIG) config: GauntletConfig,
  ) {
    this.cipher = credentialCipher(config);
  }

  private toDto(a: VenueAccountEntity): VenueAccountDto {
    return {
      id: a.id,
      ownerId: a.ownerId,
      venue: a.venue,
      label: a.label,
      testnet: a.testnet,
      baseUrl: a.baseUrl,
      apiKey: `…${a.apiKeyHint}`,
      createdAt: a.createdAt.toISOString(),
    };
  }

  async create(user: AuthUser, req: CreateVenueAccountRequestDto): Promise<VenueAccountDto> {
    // Another address would let a user send the account's signed requests anywhere; only an
    // admin points an account at a local venue (tests do).
    if (req.baseUrl !== undefined && user.role !== 'admin')
      throw validationError([{ field: 'baseUrl', reason: 'only an admin may set the venue address' }]);
    const repo = this.db.ds.getRepository(VenueAccountEntity);
    const saved = await repo.save(
      repo.create({
        ownerId: user.id,
        venue: req.venue,
        label: req.label,
        testnet: req.testnet ?? false,
        baseUrl: req.baseUrl ?? null,
        apiKeyEncrypted: this.cipher.encrypt(req.apiKey),
        apiSecretEncrypted: this.cipher.encrypt(req.apiSecret),
        apiKeyHint: req.apiKey.slice(-4),
      }),
    );
    return this.toDto(saved);
  }

  async list(user: AuthUser): Promise<VenueAccountDto[]> {
    const rows = await this.db.ds
      .getRepository(VenueAccountEntity)
      .find({ where: { ownerId: user.id }, order: { createdAt: 'DESC', id: 'ASC' } });
    return rows.map((a) => this.toDto(a));
  }

  /** An account the user owns (admins: any); others' are reported as absent. */
  async findVisible(user: AuthUser, id: string): Promise<VenueAccountEntity> {
    const account = UUID.test(id)
      ? await this.db.ds.getRepository(VenueAccountEntity).findOneBy({ id })
      : null;
    if (!account || (account.ownerId !== user.id && user.role !== 'admin'))
      throw notFound('Venue account', id);
    return account;
  }

  async remove(user: AuthUser, id: string): Promise<void> {
    const account = await this.findVisible(user, id);
    const used = await this.db.pool.query(`SELECT 1 FROM bots WHERE venue_account_id = $1 LIMIT 1`, [
      account.id,
    ]);
    if ((used.rowCount ?? 0) > 0)
      throw new DomainError(ErrorCode.Conflict, `Venue account ${id} is used by a live bot`);
    await this.db.ds.getRepository(VenueAccountEntity).delete({ id: account.id });
  }
}
