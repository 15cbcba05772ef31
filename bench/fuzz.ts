/**
 * `npm run bench:fuzz`: how fast the fuzzer runs on the correct hub, and how
 * quickly, how small and how reproducibly it finds deliberate defects.
 * Prints figures; asserts nothing.
 */
import { Command, Option } from 'commander';
import { cpus } from 'node:os';
import { findFamily } from '../properties/index.js';
import { FAULT_CATALOGUE } from '../src/hub/faults/catalogue.js';
import { exitWithUsageError, integerOption, repeatableChoice, runCli } from '../src/cli/cli-support.js';
import { addTimerOptions, timersFromOptions } from '../src/hub/timer-flags.js';
import { fuzz, playOnce, type FuzzConfig } from '../src/runner/fuzz.js';
import { embeddedTargets, FAST_TIMERS } from '../src/targets/embedded.js';

const DEFAULT_FAULTS = ['unfenced-complete', 'no-reclaim-on-disconnect', 'no-idle-trigger'];

interface BenchOptions {
  runs: number;
  seed: number;
  replays: number;
  property: string;
  agents: number;
  maxActions: number;
  timeoutPerRun: number;
  fault: string[];
  [timer: string]: unknown;
}

const cmd = new Command('bench:fuzz')
  .description('Measure fuzzing speed on the correct hub and detection of deliberate defects.')
  .addOption(new Option('--runs <n>', 'runs on the correct hub, and the run budget per fault').argParser(integerOption(1)).default(200))
  .addOption(new Option('--seed <n>', 'fast-check seed').argParser(integerOption(0)).default(42))
  .addOption(new Option('--replays <n>', 'replays of each shrunk counterexample').argParser(integerOption(1)).default(20))
  .addOption(new Option('--property <family>', 'property family').default('lifecycle'))
  .addOption(new Option('--agents <n>', 'simulated agent ids per run').argParser(integerOption(1, 16)).default(3))
  .addOption(new Option('--max-actions <n>', 'longest action sequence').argParser(integerOption(1, 500)).default(20))
  .addOption(new Option('--timeout-per-run <ms>', 'deadline of one run').argParser(integerOption(100)).default(60_000))
  .addOption(
    new Option('--fault <name>', `faults to measure (repeatable; default ${DEFAULT_FAULTS.join(', ')})`)
      .argParser(repeatableChoice(FAULT_CATALOGUE.map((fault) => fault.name)))
      .default([]),
  );
addTimerOptions(cmd, FAST_TIMERS);

async function main(): Promise<void> {
  const options = runCli(cmd, process.argv.slice(2)).opts<BenchOptions>();
  const family = findFamily(options.property);
  if (!family) exitWithUsageError(`unknown property family ${options.property}`);
  const timers = timersFromOptions(options, FAST_TIMERS);
  const configFor = (faults: string[]): FuzzConfig => ({
    family,
    runs: options.runs,
    seed: options.seed,
    agents: options.agents,
    maxActions: options.maxActions,
    timeoutPerRunMs: options.timeoutPerRun,
    targets: embeddedTargets({ timers, faults }),
  });

  console.log(`machine: ${cpus().length} cores, node ${process.version}; property ${family.name}, seed ${options.seed}`);
  const correct = await fuzz(configFor([]));
  const seconds = correct.elapsedMs / 1000;
  console.log(
    `correct hub: ${correct.runs} runs in ${seconds.toFixed(1)} s, ${(correct.runs / seconds).toFixed(2)} runs/s, ` +
      `${(correct.actionsPlayed / Math.max(correct.runs, 1)).toFixed(1)} actions/run, ${correct.ok ? 'no violation' : 'VIOLATION (false positive?)'}`,
  );

  const faults = options.fault.length > 0 ? options.fault : DEFAULT_FAULTS;
  console.log('\nfault                              found  runs-to-fail  shrunk  shrinks  replayed  wall');
  for (const fault of faults) {
    let runsToFail = 0;
    const config = configFor([fault]);
    config.onRunEnd = (run) => {
      if (run.failed && runsToFail === 0) runsToFail = run.index + 1;
    };
    const started = Date.now();
    const outcome = await fuzz(config);
    const failure = outcome.failure;
    let replayed = 0;
    if (failure) {
      for (let i = 0; i < options.replays; i++) {
        const { violations } = await playOnce(config, failure.seed, failure.actions);
        if (violations.some((v) => failure.violations.some((f) => f.invariant === v.invariant))) replayed++;
      }
    }
    const wall = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      [
        fault.padEnd(34),
        (failure ? 'yes' : 'no').padEnd(6),
        String(failure ? runsToFail : '-').padEnd(13),
        String(failure?.actions.length ?? '-').padEnd(7),
        String(failure?.shrinks ?? '-').padEnd(8),
        (failure ? `${replayed}/${options.replays}` : '-').padEnd(9),
        `${wall} s`,
      ].join(' '),
    );
  }
}

void main();
