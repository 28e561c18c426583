import { ComputeWorkerScriptError } from '@gauntlet/compute';
import { DataError, EXIT_DATA, EXIT_OK, EXIT_USAGE, UsageError } from './args';
import { BACKTEST_HELP, backtestCommand } from './commands/backtest';
import { DATA_HELP, dataCommand } from './commands/data';
import { STRATEGIES_HELP, strategiesCommand } from './commands/strategies';
import { SWEEP_HELP, sweepCommand } from './commands/sweep';
import { type CliDeps, type CliIo, defaultDeps } from './context';

export { type CliDeps, type CliIo } from './context';

export const HELP = `Usage: gauntlet <command> [options]

Commands:
  backtest     run one strategy with one parameter set over a file of bars
  sweep        run a strategy over a grid of parameters
  strategies   list the built-in strategies and their parameters
  data         import bar files into the database, export stored bars

Run gauntlet <command> --help for a command's options.
`;

const USAGE_ERRORS = new Set(['EngineConfigError', 'InvalidParamsError', 'UnknownStrategyError']);

/** The engine's option-level errors name config fields; point at the command-line option. */
const CONFIG_OPTIONS: Record<string, string> = {
  'config.initialCash': '--cash',
  'config.commission': '--commission',
  'config.slippageBps': '--slippage-bps',
  'config.spreadBps': '--spread-bps',
  'config.fillTiming': '--fill-timing',
  'config.semantics': '--semantics',
  'config.funding': '--funding',
};

function optionMessage(message: string): string {
  for (const [field, option] of Object.entries(CONFIG_OPTIONS)) {
    if (message.startsWith(`${field}:`)) return `${option}${message.slice(field.length)}`;
  }
  return message;
}

/** The first line of a message: every failure is reported on one line. */
function oneLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

/**
 * The `gauntlet` command line. Returns the exit code: 0 on success, 1 when the data or a run
 * fails, 2 when the command line is wrong. Never throws and never exits the process, so tests
 * run it in-process with captured output.
 */
export async function run(argv: readonly string[], io: CliIo, deps: CliDeps = defaultDeps): Promise<number> {
  const [command, ...rest] = argv;
  const ctx = { io, deps };
  const known =
    command === 'backtest' || command === 'sweep' || command === 'strategies' || command === 'data';
  const prefix = known ? `gauntlet ${command}` : 'gauntlet';
  try {
    switch (command) {
      case 'backtest':
        return await backtestCommand(rest, ctx);
      case 'sweep':
        return await sweepCommand(rest, ctx);
      case 'strategies':
        return strategiesCommand(rest, ctx);
      case 'data':
        return await dataCommand(rest, ctx);
      case undefined:
      case 'help':
      case '--help':
      case '-h': {
        const topic = rest[0];
        const text =
          topic === 'backtest'
            ? BACKTEST_HELP
            : topic === 'sweep'
              ? SWEEP_HELP
              : topic === 'strategies'
                ? STRATEGIES_HELP
                : topic === 'data'
                  ? DATA_HELP
                  : HELP;
        (command === undefined ? io.stderr : io.stdout).write(text);
        return command === undefined ? EXIT_USAGE : EXIT_OK;
      }
      default:
        throw new UsageError(`unknown command "${command}" (commands: backtest, sweep, strategies, data)`);
    }
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    if (err instanceof UsageError) {
      io.stderr.write(`${prefix}: ${oneLine(err.message)} (see ${prefix} --help)\n`);
      return EXIT_USAGE;
    }
    if (USAGE_ERRORS.has(err.name)) {
      io.stderr.write(`${prefix}: ${oneLine(optionMessage(err.message))}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof DataError || err instanceof ComputeWorkerScriptError) {
      io.stderr.write(`${prefix}: ${oneLine(err.message)}\n`);
      return EXIT_DATA;
    }
    io.stderr.write(`${prefix}: ${err.name === 'Error' ? '' : `${err.name}: `}${oneLine(err.message)}\n`);
    if (process.env['GAUNTLET_DEBUG'] && err.stack) io.stderr.write(`${err.stack}\n`);
    return EXIT_DATA;
  }
}
