import { Option, type Command } from 'commander';
import { PROPERTY_FAMILIES } from '../../properties/index.js';
import { FAULT_CATALOGUE } from '../hub/faults/catalogue.js';
import { integerOption, repeatableChoice } from './cli-support.js';

const FAULT_NAMES = FAULT_CATALOGUE.map((fault) => fault.name);

/** A run's deadline when --timeout-per-run is not given (longer where the timers need it). */
export const DEFAULT_RUN_TIMEOUT_MS = 60_000;

/**
 * The longest action sequence when --max-actions is not given. A simulated run
 * costs milliseconds, so it gets longer sequences, and with them more chances
 * per run to meet a defect; over the network a run's length is its wall time.
 */
export const DEFAULT_MAX_ACTIONS = { network: 20, sim: 30 } as const;

export function maxActionsFor(options: Pick<RunCliOptions, 'maxActions'>, sim: boolean): number {
  return options.maxActions ?? DEFAULT_MAX_ACTIONS[sim ? 'sim' : 'network'];
}

/** What shapes the generated runs; the same flags for `npm run fuzz` and the benchmarks. */
export interface RunCliOptions {
  property: string;
  agents: number;
  maxActions?: number;
  timeoutPerRun?: number;
  fault: string[];
}

export function addRunOptions(cmd: Command, faultHelp: string): Command {
  return cmd
    .addOption(
      new Option('--property <family>', 'property family to check')
        .choices(PROPERTY_FAMILIES.map((family) => family.name))
        .default('lifecycle'),
    )
    .addOption(new Option('--agents <n>', 'simulated agent ids per run').argParser(integerOption(1, 16)).default(3))
    .addOption(
      new Option(
        '--max-actions <n>',
        `longest action sequence (default: ${DEFAULT_MAX_ACTIONS.network}, or ${DEFAULT_MAX_ACTIONS.sim} with --sim)`,
      ).argParser(integerOption(1, 500)),
    )
    .addOption(
      new Option('--timeout-per-run <ms>', "deadline of one run, quiesce included (default: 60000, or longer if the timers' quiesce needs it)").argParser(
        integerOption(100),
      ),
    )
    .addOption(
      new Option('--fault <name>', `${faultHelp} (repeatable): ${FAULT_NAMES.join(', ')}`).argParser(repeatableChoice(FAULT_NAMES)).default([]),
    );
}
