/**
 * `npm run bench:jobs`: how much faster `--jobs N` explores than `--jobs 1`
 * on the correct hub. A shared machine's speed drifts by tens of percent
 * from one minute to the next, so the two play in alternating rounds of the
 * same runs and each round's pair gives one ratio; the median ratio is the
 * figure. Prints figures; asserts nothing.
 */
import { Command, Option } from 'commander';
import { cpus } from 'node:os';
import { findFamily } from '../properties/index.js';
import { exitWithUsageError, integerOption, runCli } from '../src/cli/cli-support.js';
import { addRunOptions, DEFAULT_RUN_TIMEOUT_MS, maxActionsFor, type RunCliOptions } from '../src/cli/run-options.js';
import { addTimerOptions, explicitTimers } from '../src/hub/timer-flags.js';
import { fuzz, type FuzzConfig } from '../src/runner/fuzz.js';
import { localTargets } from '../src/targets/choose.js';
import { median } from './median.js';

interface JobsOptions extends RunCliOptions {
  runs: number;
  rounds: number;
  seed: number;
  jobs: number;
  sim: boolean;
  [timer: string]: unknown;
}

const cmd = new Command('bench:jobs')
  .description('Compare the runs/s of --jobs N with --jobs 1 on the correct hub, in alternating rounds.')
  .addOption(new Option('--runs <n>', 'runs per round and setting').argParser(integerOption(1)).default(3000))
  .addOption(new Option('--rounds <n>', 'rounds; each plays --jobs 1 then --jobs N').argParser(integerOption(1)).default(5))
  .addOption(new Option('--seed <n>', 'fast-check seed of the first round; each round takes the next').argParser(integerOption(0)).default(1))
  .addOption(new Option('--jobs <n>', 'runs played at once, as `npm run fuzz -- --jobs`').argParser(integerOption(2, 64)).default(2))
  .addOption(new Option('--sim', 'the simulated hub (default: the embedded hub over the network)').default(false));
addRunOptions(cmd, 'faults the hub runs with (default: none)');
addTimerOptions(cmd, null);

async function runsPerSecond(config: FuzzConfig): Promise<number> {
  const outcome = await fuzz(config);
  if (!outcome.ok) throw new Error(`seed ${config.seed} failed on the correct hub (a false positive?): rerun it with --jobs 1 to see it`);
  return outcome.runs / (outcome.elapsedMs / 1000);
}

async function main(): Promise<void> {
  const options = runCli(cmd, process.argv.slice(2)).opts<JobsOptions>();
  const family = findFamily(options.property);
  if (!family) exitWithUsageError(`unknown property family ${options.property}`);
  const timers = explicitTimers(options);
  const configFor = (seed: number, jobs: number): FuzzConfig => ({
    family,
    runs: options.runs,
    seed,
    jobs,
    agents: options.agents,
    maxActions: maxActionsFor(options, options.sim),
    timeoutPerRunMs: options.timeoutPerRun ?? DEFAULT_RUN_TIMEOUT_MS,
    targets: localTargets({ sim: options.sim, timers, faults: options.fault }),
  });
  const mode = options.sim ? 'simulation' : 'network';
  console.log(`machine: ${cpus().length} cores, node ${process.version}; ${mode}, ${options.runs} runs a round, --jobs 1 vs --jobs ${options.jobs}`);
  const ratios: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const seed = options.seed + round;
    const one = await runsPerSecond(configFor(seed, 1));
    const many = await runsPerSecond(configFor(seed, options.jobs));
    ratios.push(many / one);
    console.log(`round ${round + 1} (seed ${seed}): --jobs 1 ${one.toFixed(1)} runs/s, --jobs ${options.jobs} ${many.toFixed(1)} runs/s, ${(many / one).toFixed(2)}x`);
  }
  console.log(`median: --jobs ${options.jobs} plays ${(median(ratios) ?? 0).toFixed(2)}x the runs/s of --jobs 1 (${ratios.length} rounds)`);
}

void main();
