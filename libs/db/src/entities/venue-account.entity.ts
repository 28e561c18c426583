import { type VenueName } from '@gauntlet/contracts';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An exchange account a live bot trades through; the key and secret are stored sealed only. */
@Entity({ name: 'venue_accounts' })
export class VenueAccountEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @Column({ type: 'text' })
  venue!: VenueName;

  @Column({ type: 'text' })
  label!: string;

  @Column({ type: 'boolean' })
  testnet!: boolean;

  /** Overrides the venue's address (a local fake venue in tests); admins only. */
  @Column({ name: 'base_url', type: 'text', nullable: true })
  baseUrl!: string | null;

  @Column({ name: 'api_key_encrypted', type: 'text' })
  apiKeyEncrypted!: string;

  @Column({ name: 'api_secret_encrypted', type: 'text' })
  apiSecretEncrypted!: string;

  /** The key's last four characters, so a person can tell accounts apart without the key. */
  @Column({ name: 'api_key_hint', type: 'text' })
  apiKeyHint!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
