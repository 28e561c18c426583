import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { type JobLineageDto } from '@gauntlet/contracts';
import { DatabaseService } from '../../services/database/database.service';
import { type AuthUser } from '../auth/auth.types';
import { CurrentUser } from '../auth/current-user.decorator';
import { JobsService } from '../jobs/jobs.service';

export class JobLineageResponseDto implements JobLineageDto {
  @ApiProperty() jobId!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) input!: Record<string, unknown>;
  @ApiProperty() dataVersion!: string;
  @ApiProperty() engineVersion!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) researchVersion!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) seed!: number | null;
  @ApiProperty() workflowId!: string;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'SHA-256 of the stored results' })
  resultsDigest!: string | null;
}

/** Digest queries per job kind: the stored results serialised in a fixed order. */
const DIGESTS: Record<string, string> = {
  sweep: `SELECT encode(sha256(convert_to(string_agg(
              concat_ws('|', cell_index, params::text, metrics::text, objective, trade_count, passed, error),
              E'\\n' ORDER BY cell_index), 'UTF8')), 'hex') AS digest
            FROM sweep_results WHERE job_id = $1`,
  backtest: `SELECT encode(sha256(metrics::text::bytea || trades_arrow || equity_arrow), 'hex') AS digest
               FROM backtest_results WHERE job_id = $1`,
};

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('jobs')
export class LineageController {
  constructor(
    private readonly jobs: JobsService,
    private readonly db: DatabaseService,
  ) {}

  @Get(':id/lineage')
  @ApiOkResponse({ type: JobLineageResponseDto })
  async lineage(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<JobLineageDto> {
    const job = await this.jobs.findVisible(user, id);
    const input = job.input as unknown as Record<string, unknown>;
    const space = input['space'] as { seed?: unknown } | undefined;
    const seed = typeof input['seed'] === 'number' ? input['seed'] : space?.seed;
    const sql = DIGESTS[job.kind];
    const digest = sql
      ? ((await this.db.pool.query(sql, [id])).rows[0] as { digest: string | null } | undefined)?.digest
      : null;
    return {
      jobId: job.id,
      kind: job.kind,
      status: job.status,
      input,
      dataVersion: job.dataVersion,
      engineVersion: job.engineVersion,
      researchVersion: typeof input['researchVersion'] === 'string' ? input['researchVersion'] : null,
      seed: typeof seed === 'number' ? seed : null,
      workflowId: job.workflowId,
      createdAt: job.createdAt.toISOString(),
      finishedAt: job.finishedAt ? job.finishedAt.toISOString() : null,
      resultsDigest: digest ?? null,
    };
  }
}
