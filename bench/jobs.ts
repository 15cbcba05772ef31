/**
 * `npm run bench:jobs`: how much faster `--jobs N` explores than `--jobs 1`
 * on the correct hub. Each measurement is a fresh `npm run fuzz` process, as
 * a user runs it, so every thread starts as cold as it would there (played
 * in this process, `--jobs 1` would reuse code already optimised by earlier
 * rounds while each worker starts cold). A shared machine's speed drifts by
 * tens of percent from one minute to the next, so the two play the same runs
 * back to back, each round's pair gives one ratio, and the median ratio is
 * the figure. Prints figures; asserts nothing.
 */
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command, Option } from 'commander';
import { findFamily } from '../properties/index.js';
import { exitWithUsageError, integerOption, runCli } from '../src/cli/cli-support.js';
import { addRunOptions, type RunCliOptions } from '../src/cli/run-options.js';
import { addTimerOptions } from '../src/hub/timer-flags.js';
import { median } from './median.js';

interface JobsOptions extends RunCliOptions {
  runs: number;
  rounds: number;
  seed: number;
  jobs: number;
  sim: boolean;
  [timer: string]: unknown;
}

const FUZZ_CLI = fileURLToPath(new URL('../src/cli/fuzz.ts', import.meta.url));
/** The benchmark's own flags; every other one is the fuzzer's and goes to it as given. */
const OWN_FLAGS = ['--runs', '--rounds', '--seed', '--jobs'];
const PROCESS_DEADLINE_MS = 30 * 60_000;

const cmd = new Command('bench:jobs')
  .description('Compare the runs/s of --jobs N with --jobs 1 on the correct hub, in alternating rounds.')
  .addOption(new Option('--runs <n>', 'runs per round and setting').argParser(integerOption(1)).default(3000))
  .addOption(new Option('--rounds <n>', 'rounds; each plays --jobs 1 and --jobs N, every other one --jobs N first').argParser(integerOption(1)).default(5))
  .addOption(new Option('--seed <n>', 'fast-check seed of the first round; each round takes the next').argParser(integerOption(0)).default(1))
  .addOption(new Option('--jobs <n>', 'runs played at once, as `npm run fuzz -- --jobs`').argParser(integerOption(2, 64)).default(2))
  .addOption(new Option('--sim', 'the simulated hub (default: the embedded hub over the network)').default(false));
addRunOptions(cmd, 'faults the hub runs with (default: none)');
addTimerOptions(cmd, null);

function fuzzerFlags(argv: readonly string[]): string[] {
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (OWN_FLAGS.includes(arg)) i++;
    else if (!OWN_FLAGS.some((own) => arg.startsWith(`${own}=`))) flags.push(arg);
  }
  return flags;
}

/** The runs/s one `npm run fuzz` process reports; it must find nothing (exit 0), or there is no speed to compare. */
async function runsPerSecond(flags: readonly string[]): Promise<number> {
  const args = ['--import', 'tsx', FUZZ_CLI, ...flags, '--json', '--no-corpus'];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 64 * 1024 * 1024, timeout: PROCESS_DEADLINE_MS }).catch(
    (error: { code?: unknown }) => {
      if (error.code !== 1) throw error;
      throw new Error(`npm run fuzz -- ${flags.join(' ')} found a failure (without --fault, a false positive): run it alone to see it`);
    },
  );
  return (JSON.parse(stdout) as { runsPerSecond: number }).runsPerSecond;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = runCli(cmd, argv).opts<JobsOptions>();
  if (!findFamily(options.property)) exitWithUsageError(`unknown property family ${options.property}`);
  const mode = options.sim ? 'simulation' : 'network';
  console.log(`machine: ${cpus().length} cores, node ${process.version}; ${mode}, ${options.runs} runs a round, --jobs 1 vs --jobs ${options.jobs}, a fresh process each`);
  const flagsFor = (seed: number, jobs: number): string[] => [...fuzzerFlags(argv), '--runs', String(options.runs), '--seed', String(seed), '--jobs', String(jobs)];
  const ratios: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const seed = options.seed + round;
    // Every other round plays --jobs N first, so a drift that favours the first (or second) of a pair favours each setting alike.
    const manyFirst = round % 2 === 1;
    const first = await runsPerSecond(flagsFor(seed, manyFirst ? options.jobs : 1));
    const second = await runsPerSecond(flagsFor(seed, manyFirst ? 1 : options.jobs));
    const [one, many] = manyFirst ? [second, first] : [first, second];
    ratios.push(many / one);
    const order = manyFirst ? `--jobs ${options.jobs} first` : '--jobs 1 first';
    console.log(`round ${round + 1} (seed ${seed}, ${order}): --jobs 1 ${one.toFixed(1)} runs/s, --jobs ${options.jobs} ${many.toFixed(1)} runs/s, ${(many / one).toFixed(2)}x`);
  }
  console.log(`median: --jobs ${options.jobs} plays ${(median(ratios) ?? 0).toFixed(2)}x the runs/s of --jobs 1 (${ratios.length} rounds)`);
}

void main();
