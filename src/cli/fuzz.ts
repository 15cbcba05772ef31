import { existsSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { Command, Option } from 'commander';
import pc from 'picocolors';
import { INVARIANTS } from '../../models/check.js';
import { PROPERTY_FAMILIES, findFamily } from '../../properties/index.js';
import { fuzz, agentNamesFor, playOnce, type FuzzConfig, type FuzzOutcome } from '../runner/fuzz.js';
import { formatFailure } from '../reports/console-report.js';
import { loadFailure, saveFailure } from '../reports/failure-file.js';
import { ProgressLine } from '../reports/progress.js';
import { fuzzSummary } from '../reports/json-summary.js';
import { writeJunitReport } from '../reports/junit.js';
import { addTargetOptions, defaultRunTimeoutMs, targetsFromOptions, type ResolvedTargets, type TargetCliOptions } from './target-options.js';
import { exitWithUsageError, integerOption, runCli } from './cli-support.js';
import { addRunOptions, maxActionsFor, type RunCliOptions } from './run-options.js';

interface FuzzCliOptions extends TargetCliOptions, RunCliOptions {
  runs: number;
  seed?: number;
  replay?: string;
  timeBudget?: number;
  verbose: boolean;
  json: boolean;
  junit?: string;
}

function program(): Command {
  const cmd = new Command('fuzz')
    .description('Fuzz an AgentCom hub with generated agent and task actions, judged by a reference model.')
    .addOption(new Option('--runs <n>', 'number of generated runs').argParser(integerOption(1)).default(100))
    .addOption(new Option('--seed <n>', 'fast-check seed (default: random)').argParser(integerOption(-(2 ** 31))))
    .addOption(
      new Option('--replay <what>', 'replay a failure: a .fuzz/failures/*.json file, or SEED:PATH as printed'),
    )
    .addOption(new Option('--time-budget <s>', 'stop starting runs after this many seconds').argParser(integerOption(1)))
    .addOption(new Option('--verbose', 'print every run').default(false))
    .addOption(new Option('--json', 'print one JSON summary instead of text (schema in the README)').default(false))
    .addOption(new Option('--junit <file>', 'also write the verdict as JUnit XML to this file'));
  addRunOptions(cmd, 'start the embedded hub with a deliberate defect');
  addTargetOptions(cmd);
  cmd.addHelpText(
    'after',
    `\nProperty families:\n${PROPERTY_FAMILIES.map((f) => `  ${f.name.padEnd(12)} ${f.description} (${f.invariants.join(' ')})`).join('\n')}` +
      `\n\nInvariants:\n${INVARIANTS.map((i) => `  ${i.id.padEnd(4)} ${i.name}: ${i.description}`).join('\n')}` +
      '\n\nExit codes: 0 every run passed, 1 an invariant failed, 2 bad usage (also: --hub unreachable or token refused),' +
      ' 3 the fuzzer itself failed, 130 interrupted.',
  );
  return cmd;
}

/** Replays carry every flag that shapes the generated actions and the target, never the token. */
function replayCommands(config: FuzzConfig, resolved: ResolvedTargets, seed: number, path: string, savedTo: string | undefined): string[] {
  const flags = [
    `--property ${config.family.name}`,
    `--agents ${config.agents}`,
    `--max-actions ${config.maxActions}`,
    ...resolved.targetFlags,
    ...resolved.behaviourFlags,
    ...(config.timeoutPerRunMs === defaultRunTimeoutMs(config.targets.timers) ? [] : [`--timeout-per-run ${config.timeoutPerRunMs}`]),
  ].join(' ');
  const commands = [`npm run fuzz -- --replay ${seed}:${path} ${flags}`];
  if (savedTo) commands.unshift(['npm run fuzz -- --replay', savedTo, ...resolved.targetFlags].join(' '));
  return commands;
}

/** First Ctrl-C: no new run starts and the current one tears down (revoking its tokens); second: quit now. */
function interruptOnSigint(): AbortSignal {
  const interrupt = new AbortController();
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(130);
    process.stderr.write('\ninterrupted: tearing down the current run (Ctrl-C again to quit at once)\n');
    interrupt.abort();
  });
  return interrupt.signal;
}

async function main(argv: string[]): Promise<number> {
  const cmd = program();
  const options = runCli(cmd, argv).opts<FuzzCliOptions>();
  const family = findFamily(options.property);
  if (!family) return exitWithUsageError(`unknown property family ${options.property}`);
  if (options.replay !== undefined && existsSync(options.replay)) {
    return replayFile(options.replay, options);
  }
  const resolved = await targetsFromOptions(options);
  const targets = resolved.targets;
  let seed = options.seed ?? randomInt(2 ** 31);
  let path: string | undefined;
  if (options.replay !== undefined) {
    const match = /^(-?\d+):(\d+(?::\d+)*)$/.exec(options.replay);
    if (!match) return exitWithUsageError(`--replay takes a failure file or SEED:PATH, got "${options.replay}"`);
    seed = Number(match[1]);
    path = match[2];
  }
  const config: FuzzConfig = {
    family,
    runs: options.runs,
    seed,
    ...(path === undefined ? {} : { path }),
    agents: options.agents,
    maxActions: maxActionsFor(options, targets.kind === 'sim'),
    timeoutPerRunMs: options.timeoutPerRun ?? defaultRunTimeoutMs(targets.timers),
    ...(options.timeBudget === undefined ? {} : { timeBudgetMs: options.timeBudget * 1000 }),
    targets,
    signal: interruptOnSigint(),
  };
  const progress = new ProgressLine(process.stderr, options.json ? 0 : options.runs);
  config.onRunEnd = (run) => {
    if (options.verbose && !options.json) {
      process.stderr.write(`run ${run.index + 1}: ${run.actions} actions, ${run.failed ? pc.red('failed') : 'passed'}\n`);
    } else progress.update(run.index + 1, run.failed);
  };
  const outcome = await fuzz(config);
  progress.done();
  const code = await report(config, outcome, resolved, options);
  // The abandoned run may still be waiting on its own deadlines: do not wait for them.
  if (code === 130) process.exit(code);
  return code;
}

async function report(config: FuzzConfig, outcome: FuzzOutcome, resolved: ResolvedTargets, options: FuzzCliOptions): Promise<number> {
  const failure = outcome.failure;
  const savedTo =
    failure &&
    (await saveFailure({
      property: config.family.name,
      seed: failure.seed,
      path: failure.path,
      agents: config.agents,
      maxActions: config.maxActions,
      faults: [...config.targets.faults],
      timers: config.targets.timers,
      ...(config.targets.kind === 'sim' ? { sim: true, schedule: failure.schedule } : {}),
      actions: failure.actions,
      outcomes: failure.outcomes,
      violations: failure.violations,
      history: failure.history,
    }));
  const replay = failure ? replayCommands(config, resolved, failure.seed, failure.path, savedTo) : [];
  const signal = config.signal?.aborted ? 'SIGINT' : null;
  const exitCode = signal !== null ? 130 : outcome.runnerError !== undefined ? 3 : failure ? 1 : 0;
  const summary = fuzzSummary({
    config,
    outcome,
    exitCode,
    profile: resolved.profile,
    url: options.hub ?? null,
    signal,
    replay,
    savedTo: savedTo ?? null,
  });
  if (options.junit !== undefined) await writeJunitReport(options.junit, summary);
  if (options.json) {
    console.log(JSON.stringify(summary));
    return exitCode;
  }
  if (outcome.runnerError !== undefined) {
    console.error(pc.red(`The fuzzer itself failed (a bug in agentcom-fuzz, not in the hub):\n${outcome.runnerError}`));
  } else if (failure) {
    console.log(
      formatFailure({
        property: config.family.name,
        violations: failure.violations,
        actions: failure.actions,
        outcomes: failure.outcomes,
        agentIds: agentNamesFor(config),
        history: failure.history,
        shrinks: failure.shrinks,
        trace: failure.trace,
        replayCommands: replay,
        savedTo,
      }),
    );
  } else if (signal !== null) {
    console.log(pc.yellow(`interrupted after ${outcome.runs} runs of "${config.family.name}" (seed ${config.seed}): no violation so far`));
  } else {
    const budget = outcome.interrupted ? ' (time budget reached)' : '';
    console.log(
      pc.green(`✓ ${outcome.runs} runs of "${config.family.name}" passed in ${(outcome.elapsedMs / 1000).toFixed(1)} s`) +
        ` (${summary.runsPerSecond.toFixed(1)} runs/s, seed ${config.seed})${budget}`,
    );
  }
  return exitCode;
}

async function replayFile(file: string, options: FuzzCliOptions): Promise<number> {
  const saved = await loadFailure(file);
  const family = findFamily(saved.property);
  if (!family) return exitWithUsageError(`${file} names an unknown property family ${saved.property}`);
  const resolved = await targetsFromOptions(options, saved);
  const config = {
    family,
    agents: saved.agents,
    timeoutPerRunMs: options.timeoutPerRun ?? defaultRunTimeoutMs(saved.timers),
    targets: resolved.targets,
    signal: interruptOnSigint(),
  };
  const { violations, result } = await playOnce(config, saved.seed, saved.actions, saved.schedule);
  if (config.signal.aborted) process.exit(130);
  const agentIds = agentNamesFor(config);
  if (options.json) {
    console.log(JSON.stringify({ ok: violations.length === 0, replayed: file, violations, reproduced: violations.length > 0 }));
  } else if (violations.length === 0) {
    console.log(pc.green(`✓ replayed ${saved.actions.length} actions from ${file}: no violation this time`));
  } else {
    console.log(
      formatFailure({
        property: family.name,
        violations,
        actions: saved.actions,
        outcomes: result.outcomes,
        agentIds,
        history: result.history,
        trace: result.trace,
        replayCommands: [['npm run fuzz -- --replay', file, ...resolved.targetFlags].join(' ')],
      }),
    );
  }
  return violations.length === 0 ? 0 : 1;
}

void main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(pc.red(`The fuzzer itself failed (a bug in agentcom-fuzz, not in the hub): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
    process.exitCode = 3;
  },
);
