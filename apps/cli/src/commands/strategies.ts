import { listStrategies } from '@gauntlet/strategies';
import { EXIT_OK, flag, parseOptions } from '../args';
import { type CliContext } from '../context';
import { renderTable } from '../format';

export const STRATEGIES_HELP = `Usage: gauntlet strategies [--json]

Lists the built-in strategies with their parameters, defaults, ranges and constraints.
`;

export function strategiesCommand(argv: readonly string[], ctx: CliContext): number {
  const values = parseOptions(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (flag(values, 'help')) {
    ctx.io.stdout.write(STRATEGIES_HELP);
    return EXIT_OK;
  }
  const all = listStrategies();
  if (flag(values, 'json')) {
    ctx.io.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    return EXIT_OK;
  }
  const out: string[] = [];
  for (const s of all) {
    out.push(`${s.id} — ${s.name}`);
    const rows = [['param', 'type', 'default', 'range / options']];
    for (const p of s.params) {
      const range = p.options ? p.options.join(', ') : `${p.min ?? ''}..${p.max ?? ''}`;
      rows.push([p.name, p.type, String(p.default), range]);
    }
    out.push(renderTable(rows, ['left', 'left', 'right', 'left']).trimEnd());
    for (const c of s.constraints) out.push(`constraint: ${c.expression}`);
    out.push('');
  }
  ctx.io.stdout.write(`${out.join('\n')}`);
  return EXIT_OK;
}
