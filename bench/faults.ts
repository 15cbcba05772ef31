/**
 * `npm run bench:faults`: mutation testing of the fuzzer. For every fault in
 * the catalogue (and for the correct hub) run the fuzzer with several seeds
 * and record how often, how fast and how small it finds the fault; run the
 * hub team's five smoke scenarios against the same fault for comparison.
 * Prints a table and optionally writes it as JSON; asserts nothing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { cpus } from 'node:os';
import { Command, Option } from 'commander';
import { findFamily, type PropertyFamily } from '../properties/index.js';
import { addRunOptions, DEFAULT_RUN_TIMEOUT_MS, maxActionsFor, type RunCliOptions } from '../src/cli/run-options.js';
import { exitWithUsageError, integerOption, runCli } from '../src/cli/cli-support.js';
import { FAULT_CATALOGUE } from '../src/hub/faults/catalogue.js';
import { addTimerOptions, explicitTimers } from '../src/hub/timer-flags.js';
import { DEFAULT_SHRINK_BUDGET_MS, fuzz, type FuzzConfig } from '../src/runner/fuzz.js';
import { localTargets } from '../src/targets/choose.js';
import { smokeScenarios } from '../src/testing/smoke-scenarios.js';
import { formatSeed, measureSeed, togetherFaults, type SeedFigures } from './faults-together.js';
import { median } from './median.js';
import { countReplays } from './replay.js';

interface BenchOptions extends RunCliOptions {
  seeds: number;
  seed: number;
  runs: number;
  replays: number;
  jobs: number;
  smoke: boolean;
  sim: boolean;
  network: boolean;
  together: boolean;
  shrinkBudget: number;
  json?: string;
  [timer: string]: unknown;
}

type Mode = 'network' | 'sim';

export interface ModeFigures {
  detected: number;
  medianRunsToFailure: number | null;
  medianShrunkLength: number | null;
  invariants: string[];
  /** Plays of the seeds' shrunk counterexamples that reproduced them, out of `replayAttempts` (none without --replays). */
  replayed: number;
  replayAttempts: number;
  wallSeconds: number;
}

export interface FaultRow {
  fault: string;
  description: string;
  /** The property family fuzzed for this fault. */
  property: string;
  seeds: number;
  modes: Partial<Record<Mode, ModeFigures>>;
  smokeCaughtBy: string[] | null;
}

const CORRECT = 'none (correct hub)';

const cmd = new Command('bench:faults')
  .description('Measure how often, how fast and how small the fuzzer finds each deliberate defect.')
  .addOption(new Option('--seeds <n>', 'seeds per fault').argParser(integerOption(1)).default(10))
  .addOption(new Option('--seed <n>', 'first seed; seeds are consecutive').argParser(integerOption(0)).default(1))
  .addOption(new Option('--runs <n>', 'run budget per seed').argParser(integerOption(1)).default(200))
  .addOption(
    new Option('--replays <n>', "replays of each seed's shrunk counterexample (0: none)").argParser(integerOption(0)).default(0),
  )
  .addOption(new Option('--jobs <n>', 'runs played at once in each fuzz session, as `npm run fuzz -- --jobs`').argParser(integerOption(1, 64)).default(1))
  .addOption(new Option('--no-smoke', 'skip the smoke scenarios'))
  .addOption(new Option('--sim', 'fuzz the simulated hub too, and show both modes side by side').default(false))
  .addOption(new Option('--no-network', 'with --sim: skip the network mode'))
  .addOption(
    new Option('--shrink-budget <s>', 'with --together: seconds of shrinking per finding, as `npm run fuzz -- --shrink-budget`')
      .argParser(integerOption(1))
      .default(DEFAULT_SHRINK_BUDGET_MS / 1000),
  )
  .addOption(new Option('--together', 'one hub with every lifecycle fault that leaves it up (or the --fault ones) at once; one --keep-going invocation per seed').default(false))
  .addOption(new Option('--json <file>', 'also write the table as JSON'));
addRunOptions(cmd, `faults to measure (default: the whole catalogue)`);
addTimerOptions(cmd, null);

async function smokeCatches(fault: string): Promise<string[]> {
  const caught: string[] = [];
  for (const scenario of smokeScenarios) {
    const failed = await scenario.run({ faults: [fault] }).then(
      () => false,
      () => true,
    );
    if (failed) caught.push(scenario.id);
  }
  return caught;
}

/** The family whose actions reach the fault: the catalogue says where lifecycle cannot. */
function familyFor(fault: string | null, fallback: PropertyFamily): PropertyFamily {
  const entry = FAULT_CATALOGUE.find((candidate) => candidate.name === fault);
  const named = entry !== undefined && 'property' in entry ? findFamily(entry.property) : undefined;
  return named ?? fallback;
}

async function measureMode(
  mode: Mode,
  fault: string | null,
  options: BenchOptions,
  base: Omit<FuzzConfig, 'seed' | 'targets' | 'maxActions'>,
): Promise<ModeFigures> {
  const started = Date.now();
  const family = familyFor(fault, base.family);
  const seeds = Array.from({ length: options.seeds }, (_, i) => options.seed + i);
  const targets = localTargets({ sim: mode === 'sim', timers: explicitTimers(options), faults: fault === null ? [] : [fault] });
  const outcomes = [];
  for (const seed of seeds) {
    const config: FuzzConfig = { ...base, maxActions: maxActionsFor(options, mode === 'sim'), family, seed, targets, jobs: options.jobs };
    const outcome = await fuzz(config);
    const runsToFailure = (outcome.findings[0]?.firstRun ?? -1) + 1;
    const replayed = outcome.failure === undefined ? 0 : await countReplays(config, outcome.failure, options.replays);
    outcomes.push({ outcome, runsToFailure, replayed });
  }
  const found = outcomes.filter(({ outcome }) => outcome.failure !== undefined);
  return {
    detected: found.length,
    medianRunsToFailure: median(found.map(({ runsToFailure }) => runsToFailure)),
    medianShrunkLength: median(found.map(({ outcome }) => outcome.failure?.actions.length ?? 0)),
    invariants: [...new Set(found.flatMap(({ outcome }) => outcome.failure?.violations.map((v) => v.invariant) ?? []))].sort(),
    replayed: found.reduce((sum, { replayed }) => sum + replayed, 0),
    replayAttempts: found.length * options.replays,
    wallSeconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

async function measure(fault: string | null, modes: readonly Mode[], options: BenchOptions, base: Omit<FuzzConfig, 'seed' | 'targets' | 'maxActions'>): Promise<FaultRow> {
  const figures: Partial<Record<Mode, ModeFigures>> = {};
  for (const mode of modes) figures[mode] = await measureMode(mode, fault, options, base);
  return {
    fault: fault ?? CORRECT,
    description: FAULT_CATALOGUE.find((entry) => entry.name === fault)?.description ?? 'no fault',
    property: familyFor(fault, base.family).name,
    seeds: options.seeds,
    modes: figures,
    smokeCaughtBy: options.smoke && fault !== null ? await smokeCatches(fault) : null,
  };
}

function formatFigures(figures: ModeFigures | undefined, seeds: number, replays: boolean): string {
  if (figures === undefined) return '';
  return [
    `${figures.detected}/${seeds}`.padEnd(6),
    String(figures.medianRunsToFailure ?? '-').padEnd(6),
    String(figures.medianShrunkLength ?? '-').padEnd(5),
    ...(replays ? [`${figures.replayed}/${figures.replayAttempts}`.padEnd(9)] : []),
    (figures.invariants.join(' ') || '-').padEnd(12),
    `${figures.wallSeconds} s`.padEnd(9),
  ].join(' ');
}

function formatRow(row: FaultRow, modes: readonly Mode[], replays: boolean): string {
  const smoke = row.smokeCaughtBy === null ? '-' : row.smokeCaughtBy.length === 0 ? 'none' : row.smokeCaughtBy.join(' ');
  const name = row.property === 'lifecycle' ? row.fault : `${row.fault} (${row.property})`;
  return [name.padEnd(36), ...modes.map((mode) => formatFigures(row.modes[mode], row.seeds, replays)), smoke].join(' ');
}

function header(modes: readonly Mode[], replays: boolean): string {
  const replayColumn = replays ? `${'replayed'.padEnd(9)} ` : '';
  const columns = `${'found'.padEnd(6)} ${'runs'.padEnd(6)} ${'len'.padEnd(5)} ${replayColumn}${'invariants'.padEnd(12)} ${'wall'.padEnd(9)}`;
  const titles = modes.map((mode) => `${mode}: ${columns}`.slice(0, columns.length + mode.length + 2));
  return [`${'fault'.padEnd(36)}`, ...titles, 'smoke scenarios that catch it'].join(' ');
}

async function main(): Promise<void> {
  const options = runCli(cmd, process.argv.slice(2)).opts<BenchOptions>();
  const family = findFamily(options.property);
  if (!family) exitWithUsageError(`unknown property family ${options.property}`);
  const base = {
    family,
    runs: options.runs,
    agents: options.agents,
    timeoutPerRunMs: options.timeoutPerRun ?? DEFAULT_RUN_TIMEOUT_MS,
  };
  const modes: Mode[] = [...(options.network || !options.sim ? (['network'] as const) : []), ...(options.sim ? (['sim'] as const) : [])];
  if (options.together) {
    await together(options, modes, family, base);
    return;
  }
  const faults = options.fault.length > 0 ? options.fault : FAULT_CATALOGUE.map((fault) => fault.name);
  const started = Date.now();
  console.log(
    `machine: ${cpus().length} cores, node ${process.version}; property ${family.name}, ` +
      `${options.seeds} seeds from ${options.seed}, up to ${options.runs} runs each, ${options.jobs} at once; ` +
      'columns per mode: seeds that found it, median runs to the first failure, median shrunk length, ' +
      `${options.replays > 0 ? `replays of the shrunk counterexamples that reproduced them (${options.replays} each), ` : ''}invariants broken, wall`,
  );
  const replays = options.replays > 0;
  console.log(header(modes, replays));
  const rows: FaultRow[] = [];
  for (const fault of [null, ...faults]) {
    const row = await measure(fault, modes, options, base);
    rows.push(row);
    console.log(formatRow(row, modes, replays));
  }
  const totalSeconds = Math.round((Date.now() - started) / 1000);
  console.log(`total wall time ${totalSeconds} s`);
  if (options.json) {
    const summary = { property: family.name, seeds: options.seeds, runs: options.runs, modes, totalSeconds, rows };
    await mkdir(dirname(options.json), { recursive: true });
    await writeFile(options.json, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`table written to ${options.json}`);
  }
}

async function together(options: BenchOptions, modes: readonly Mode[], family: PropertyFamily, base: Omit<FuzzConfig, 'seed' | 'targets' | 'maxActions'>): Promise<void> {
  const faults = options.fault.length > 0 ? options.fault : togetherFaults();
  console.log(
    `machine: ${cpus().length} cores, node ${process.version}; ${faults.length} faults at once (${faults.join(' ')}); ` +
      `${options.seeds} seeds from ${options.seed}, --keep-going, ${options.runs} runs each, --jobs ${options.jobs}`,
  );
  const report: Record<string, SeedFigures[]> = {};
  for (const mode of modes) {
    const sim = mode === 'sim';
    const rows: SeedFigures[] = [];
    for (let seed = options.seed; seed < options.seed + options.seeds; seed++) {
      const row = await measureSeed(
        { ...base, maxActions: maxActionsFor(options, sim), jobs: options.jobs, shrinkBudgetMs: options.shrinkBudget * 1000 },
        family,
        sim,
        faults,
        seed,
        explicitTimers(options),
      );
      rows.push(row);
      console.log(`${mode.padEnd(8)} ${formatSeed(row, faults.length)}`);
    }
    const share = median(rows.map((row) => row.credited.length / faults.length)) ?? 0;
    console.log(
      `${mode.padEnd(8)} median seed credited with ${(share * 100).toFixed(0)} % of the ${faults.length} faults; ` +
        `most findings of one fault alone in any seed: ${Math.max(...rows.map((row) => row.maxSplit))}; ` +
        `median wall ${(median(rows.map((row) => row.wallSeconds)) ?? 0).toFixed(1)} s`,
    );
    report[mode] = rows;
  }
  if (options.json) {
    await mkdir(dirname(options.json), { recursive: true });
    await writeFile(options.json, `${JSON.stringify({ faults, runs: options.runs, report }, null, 2)}\n`);
  }
}

void main();
