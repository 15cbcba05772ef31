/**
 * `npm run bench:fuzz`: how fast the fuzzer runs on the correct hub, and how
 * quickly, how small and how reproducibly it finds deliberate defects. With
 * `--sim`, the same figures for the network and the simulation, side by side.
 * Prints figures; asserts nothing.
 */
import { Command, Option } from 'commander';
import { cpus } from 'node:os';
import { findFamily } from '../properties/index.js';
import { addRunOptions, DEFAULT_RUN_TIMEOUT_MS, maxActionsFor, type RunCliOptions } from '../src/cli/run-options.js';
import { exitWithUsageError, integerOption, runCli } from '../src/cli/cli-support.js';
import { addTimerOptions, explicitTimers } from '../src/hub/timer-flags.js';
import { fuzz, type FuzzConfig } from '../src/runner/fuzz.js';
import { localTargets } from '../src/targets/choose.js';
import { countReplays } from './replay.js';

const DEFAULT_FAULTS = ['unfenced-complete', 'no-reclaim-on-disconnect', 'no-idle-trigger'];

interface BenchOptions extends RunCliOptions {
  runs: number;
  seed: number;
  replays: number;
  sim: boolean;
  [timer: string]: unknown;
}

type Mode = 'network' | 'sim';

interface FaultFigures {
  found: boolean;
  runsToFail: number;
  shrunk: number;
  shrinks: number;
  replayed: number;
}

const cmd = new Command('bench:fuzz')
  .description('Measure fuzzing speed on the correct hub and detection of deliberate defects.')
  .addOption(new Option('--runs <n>', 'runs on the correct hub, and the run budget per fault').argParser(integerOption(1)).default(200))
  .addOption(new Option('--seed <n>', 'fast-check seed').argParser(integerOption(0)).default(42))
  .addOption(new Option('--replays <n>', 'replays of each shrunk counterexample').argParser(integerOption(1)).default(20))
  .addOption(new Option('--sim', 'measure the simulation too, side by side with the network').default(false));
addRunOptions(cmd, `faults to measure (default: ${DEFAULT_FAULTS.join(', ')})`);
addTimerOptions(cmd, null);

function cell(figures: FaultFigures | undefined, replays: number): string {
  if (figures === undefined || !figures.found) return 'not found'.padEnd(30);
  return `${figures.runsToFail} runs, ${figures.shrunk} actions (${figures.shrinks} shrinks), ${figures.replayed}/${replays}`.padEnd(30);
}

async function main(): Promise<void> {
  const options = runCli(cmd, process.argv.slice(2)).opts<BenchOptions>();
  const family = findFamily(options.property);
  if (!family) exitWithUsageError(`unknown property family ${options.property}`);
  // Only timers given explicitly: each mode fills in its own defaults.
  const timers = explicitTimers(options);
  const modes: Mode[] = options.sim ? ['network', 'sim'] : ['network'];
  const configFor = (mode: Mode, faults: string[]): FuzzConfig => ({
    family,
    runs: options.runs,
    seed: options.seed,
    agents: options.agents,
    maxActions: maxActionsFor(options, mode === 'sim'),
    timeoutPerRunMs: options.timeoutPerRun ?? DEFAULT_RUN_TIMEOUT_MS,
    targets: localTargets({ sim: mode === 'sim', timers, faults }),
  });

  console.log(`machine: ${cpus().length} cores, node ${process.version}; property ${family.name}, seed ${options.seed}`);
  for (const mode of modes) {
    const correct = await fuzz(configFor(mode, []));
    const seconds = correct.elapsedMs / 1000;
    console.log(
      `correct hub, ${mode.padEnd(7)}: ${correct.runs} runs in ${seconds.toFixed(1)} s, ${(correct.runs / seconds).toFixed(2)} runs/s, ` +
        `${(correct.actionsPlayed / Math.max(correct.runs, 1)).toFixed(1)} actions/run, ${correct.ok ? 'no violation' : 'VIOLATION (false positive?)'}`,
    );
  }

  const faults = options.fault.length > 0 ? options.fault : DEFAULT_FAULTS;
  console.log(`\n${'fault'.padEnd(34)} ${modes.map((mode) => `${mode}: runs-to-fail, shrunk, replayed`.padEnd(30)).join(' ')}`);
  for (const fault of faults) {
    const figures = new Map<Mode, FaultFigures>();
    for (const mode of modes) figures.set(mode, await measureFault(configFor(mode, [fault]), options.replays));
    console.log(`${fault.padEnd(34)} ${modes.map((mode) => cell(figures.get(mode), options.replays)).join(' ')}`);
  }
}

/** Finds the fault once, then replays the shrunk counterexample. */
async function measureFault(config: FuzzConfig, replays: number): Promise<FaultFigures> {
  const [finding] = (await fuzz(config)).findings;
  if (finding === undefined) return { found: false, runsToFail: 0, shrunk: 0, shrinks: 0, replayed: 0 };
  const { failure } = finding;
  const replayed = await countReplays(config, failure, replays);
  return { found: true, runsToFail: finding.firstRun + 1, shrunk: failure.actions.length, shrinks: failure.shrinks, replayed };
}

void main();
