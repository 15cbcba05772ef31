/**
 * `npm run bench:faults`: mutation testing of the fuzzer. For every fault in
 * the catalogue (and for the correct hub) run the fuzzer with several seeds
 * and record how often, how fast and how small it finds the fault; run the
 * hub team's five smoke scenarios against the same fault for comparison.
 * Prints a table and optionally writes it as JSON; asserts nothing.
 */
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { Command, Option } from 'commander';
import { findFamily } from '../properties/index.js';
import { exitWithUsageError, integerOption, repeatableChoice, runCli } from '../src/cli/cli-support.js';
import { FAULT_CATALOGUE } from '../src/hub/faults/catalogue.js';
import { addTimerOptions, timersFromOptions } from '../src/hub/timer-flags.js';
import { fuzz, type FuzzConfig } from '../src/runner/fuzz.js';
import { embeddedTargets, FAST_TIMERS } from '../src/targets/embedded.js';
import { smokeScenarios } from '../src/testing/smoke-scenarios.js';

interface BenchOptions {
  seeds: number;
  seed: number;
  runs: number;
  property: string;
  agents: number;
  maxActions: number;
  timeoutPerRun: number;
  fault: string[];
  jobs: number;
  smoke: boolean;
  json?: string;
  [timer: string]: unknown;
}

export interface FaultRow {
  fault: string;
  description: string;
  seeds: number;
  detected: number;
  medianRunsToFailure: number | null;
  medianShrunkLength: number | null;
  invariants: string[];
  wallSeconds: number;
  smokeCaughtBy: string[] | null;
}

const CORRECT = 'none (correct hub)';

const cmd = new Command('bench:faults')
  .description('Measure how often, how fast and how small the fuzzer finds each deliberate defect.')
  .addOption(new Option('--seeds <n>', 'seeds per fault').argParser(integerOption(1)).default(10))
  .addOption(new Option('--seed <n>', 'first seed; seeds are consecutive').argParser(integerOption(0)).default(1))
  .addOption(new Option('--runs <n>', 'run budget per seed').argParser(integerOption(1)).default(200))
  .addOption(new Option('--property <family>', 'property family').default('lifecycle'))
  .addOption(new Option('--agents <n>', 'simulated agent ids per run').argParser(integerOption(1, 16)).default(3))
  .addOption(new Option('--max-actions <n>', 'longest action sequence').argParser(integerOption(1, 500)).default(20))
  .addOption(new Option('--timeout-per-run <ms>', 'deadline of one run').argParser(integerOption(100)).default(60_000))
  .addOption(
    new Option('--fault <name>', 'faults to measure (repeatable; default: the whole catalogue)')
      .argParser(repeatableChoice(FAULT_CATALOGUE.map((fault) => fault.name)))
      .default([]),
  )
  .addOption(new Option('--jobs <n>', 'fuzz sessions at once').argParser(integerOption(1, 16)).default(1))
  .addOption(new Option('--no-smoke', 'skip the smoke scenarios'))
  .addOption(new Option('--json <file>', 'also write the table as JSON'));
addTimerOptions(cmd, FAST_TIMERS);

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs `work` over `items` with at most `jobs` at once, keeping the results in order. */
async function pool<T, R>(items: readonly T[], jobs: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

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

async function measure(fault: string | null, options: BenchOptions, base: Omit<FuzzConfig, 'seed' | 'targets'>): Promise<FaultRow> {
  const started = Date.now();
  const timers = timersFromOptions(options, FAST_TIMERS);
  const seeds = Array.from({ length: options.seeds }, (_, i) => options.seed + i);
  const outcomes = await pool(seeds, options.jobs, async (seed) => {
    let runsToFailure = 0;
    const outcome = await fuzz({
      ...base,
      seed,
      targets: embeddedTargets({ timers, faults: fault === null ? [] : [fault] }),
      onRunEnd: (run) => {
        if (run.failed && runsToFailure === 0) runsToFailure = run.index + 1;
      },
    });
    return { outcome, runsToFailure };
  });
  const found = outcomes.filter(({ outcome }) => outcome.failure !== undefined);
  const smoke = options.smoke && fault !== null ? await smokeCatches(fault) : null;
  return {
    fault: fault ?? CORRECT,
    description: FAULT_CATALOGUE.find((entry) => entry.name === fault)?.description ?? 'no fault',
    seeds: seeds.length,
    detected: found.length,
    medianRunsToFailure: median(found.map(({ runsToFailure }) => runsToFailure)),
    medianShrunkLength: median(found.map(({ outcome }) => outcome.failure?.actions.length ?? 0)),
    invariants: [...new Set(found.flatMap(({ outcome }) => outcome.failure?.violations.map((v) => v.invariant) ?? []))].sort(),
    wallSeconds: Math.round((Date.now() - started) / 100) / 10,
    smokeCaughtBy: smoke,
  };
}

function formatRow(row: FaultRow): string {
  const smoke = row.smokeCaughtBy === null ? '-' : row.smokeCaughtBy.length === 0 ? 'no' : row.smokeCaughtBy.join(' ');
  return [
    row.fault.padEnd(36),
    `${row.detected}/${row.seeds}`.padEnd(9),
    String(row.medianRunsToFailure ?? '-').padEnd(11),
    String(row.medianShrunkLength ?? '-').padEnd(9),
    (row.invariants.join(' ') || '-').padEnd(16),
    `${row.wallSeconds} s`.padEnd(9),
    smoke,
  ].join(' ');
}

async function main(): Promise<void> {
  const options = runCli(cmd, process.argv.slice(2)).opts<BenchOptions>();
  const family = findFamily(options.property);
  if (!family) exitWithUsageError(`unknown property family ${options.property}`);
  const base = {
    family,
    runs: options.runs,
    agents: options.agents,
    maxActions: options.maxActions,
    timeoutPerRunMs: options.timeoutPerRun,
  };
  const faults = options.fault.length > 0 ? options.fault : FAULT_CATALOGUE.map((fault) => fault.name);
  const started = Date.now();
  console.log(
    `machine: ${cpus().length} cores, node ${process.version}; property ${family.name}, ` +
      `${options.seeds} seeds from ${options.seed}, up to ${options.runs} runs each, ${options.jobs} at once`,
  );
  console.log(
    `${'fault'.padEnd(36)} ${'detected'.padEnd(9)} ${'med. runs'.padEnd(11)} ${'med. len'.padEnd(9)} ${'invariants'.padEnd(16)} ${'wall'.padEnd(9)} smoke scenarios that catch it`,
  );
  const rows: FaultRow[] = [];
  for (const fault of [null, ...faults]) {
    const row = await measure(fault, options, base);
    rows.push(row);
    console.log(formatRow(row));
  }
  const totalSeconds = Math.round((Date.now() - started) / 1000);
  console.log(`total wall time ${totalSeconds} s`);
  if (options.json) {
    await writeFile(options.json, `${JSON.stringify({ property: family.name, seeds: options.seeds, runs: options.runs, totalSeconds, rows }, null, 2)}\n`);
    console.log(`table written to ${options.json}`);
  }
}

void main();
