import { randomInt } from 'node:crypto';
import { Command, Option } from 'commander';
import pc from 'picocolors';
import { INVARIANTS } from '../../models/check.js';
import { PROPERTY_FAMILIES, findFamily } from '../../properties/index.js';
import {
  agentNamesFor,
  DEFAULT_MAX_FINDINGS,
  DEFAULT_SHRINK_BUDGET_MS,
  fuzz,
  playOnce,
  type FuzzConfig,
  type FuzzOutcome,
} from '../runner/fuzz.js';
import { DEFAULT_JOBS } from '../runner/campaign.js';
import { restartsOffForJobs } from '../runner/run-values.js';
import { listCorpus, retireFixed } from '../runner/corpus.js';
import type { Finding } from '../runner/findings.js';
import { formatFailure, formatFindingsTable } from '../reports/console-report.js';
import { FAILURES_DIR, loadFailure, UnreadableFailureFile } from '../reports/failure-file.js';
import { writeHtmlReport } from '../reports/html-timeline.js';
import { ProgressLine } from '../reports/progress.js';
import { fuzzSummary } from '../reports/json-summary.js';
import { writeJunitReport } from '../reports/junit.js';
import { CampaignOutput, htmlFindingOf } from './campaign-output.js';
import { onStopSignal, SIGNAL_EXIT_CODES, type StopSignal } from './stop-signals.js';
import { addTargetOptions, defaultRunTimeoutMs, targetsFromOptions, type ResolvedTargets, type TargetCliOptions } from './target-options.js';
import { exitWithUsageError, integerOption, runCli } from './cli-support.js';
import { addRunOptions, maxActionsFor, type RunCliOptions } from './run-options.js';

interface FuzzCliOptions extends TargetCliOptions, RunCliOptions {
  runs: number;
  seed?: number;
  replay?: string;
  timeBudget?: number;
  shrinkBudget: number;
  keepGoing: boolean;
  maxFindings: number;
  jobs?: number;
  corpus: string | false;
  html?: string;
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
    .addOption(new Option('--time-budget <s>', 'stop starting runs after this many seconds (shrinking included)').argParser(integerOption(1)))
    .addOption(
      new Option('--shrink-budget <s>', 'stop shrinking a finding after this many seconds and report the smallest so far')
        .argParser(integerOption(1))
        .default(DEFAULT_SHRINK_BUDGET_MS / 1000),
    )
    .addOption(new Option('--keep-going', 'after a finding, go on exploring and report every distinct one').default(false))
    .addOption(
      new Option('--max-findings <n>', 'with --keep-going: stop after this many distinct findings').argParser(integerOption(1)).default(DEFAULT_MAX_FINDINGS),
    )
    .addOption(new Option('--jobs <n>', `runs played at once (default: ${DEFAULT_JOBS.embedded} on the embedded hub, 1 otherwise)`).argParser(integerOption(1, 64)))
    .addOption(new Option('--corpus <dir>', 'replay the saved failures in this directory before exploring; new findings are saved there').default(FAILURES_DIR))
    .addOption(new Option('--no-corpus', `do not replay saved failures first (new findings go to ${FAILURES_DIR})`))
    .addOption(new Option('--html <file>', 'also write the findings as a self-contained HTML timeline'))
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
      ' 3 the fuzzer itself failed, 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM (the best finding so far is reported and saved).',
  );
  return cmd;
}

/** Replays carry every flag that shapes the generated actions and the target, never the token. */
function replayCommands(config: FuzzConfig, resolved: ResolvedTargets, finding: Finding, savedTo: string | null): string[] {
  const flags = [
    `--property ${config.family.name}`,
    `--agents ${finding.agents ?? config.agents}`,
    `--max-actions ${config.maxActions}`,
    ...resolved.targetFlags,
    ...resolved.behaviourFlags,
    ...(config.timeoutPerRunMs === defaultRunTimeoutMs(config.targets.timers) ? [] : [`--timeout-per-run ${config.timeoutPerRunMs}`]),
    ...(restartsOffForJobs(config) ? [`--jobs ${config.jobs}`] : []),
  ].join(' ');
  const commands = [`npm run fuzz -- --replay ${finding.failure.seed}:${finding.failure.path} ${flags}`];
  if (savedTo) commands.unshift(['npm run fuzz -- --replay', savedTo, ...resolved.targetFlags].join(' '));
  return commands;
}

/** How this invocation was started, for the HTML report (tokens never come in on the command line). */
function invocation(): string {
  return ['npm run fuzz --', ...process.argv.slice(2)].join(' ');
}

/**
 * The first SIGINT, SIGTERM or SIGHUP stops the campaign: no new run starts,
 * the current ones tear down (revoking their tokens), shrinking keeps its best,
 * and the report follows; a second one quits at once.
 */
function stopOnSignals(): { signal: AbortSignal; received: () => StopSignal | null } {
  const stop = new AbortController();
  const received = onStopSignal((name) => {
    process.stderr.write(`\n${name}: stopping; tearing down the current runs, then reporting the best finding so far (again to quit at once)\n`);
    stop.abort();
  });
  return { signal: stop.signal, received };
}

async function main(argv: string[]): Promise<number> {
  const cmd = program();
  const options = runCli(cmd, argv).opts<FuzzCliOptions>();
  const family = findFamily(options.property);
  if (!family) return exitWithUsageError(`unknown property family ${options.property}`);
  const stopping = stopOnSignals();
  if (options.replay !== undefined && !/^-?\d+:\d+(?::\d+)*$/.test(options.replay)) {
    return replayFile(options.replay, options, stopping);
  }
  const resolved = await targetsFromOptions(options);
  const targets = resolved.targets;
  let seed = options.seed ?? randomInt(2 ** 31);
  let path: string | undefined;
  if (options.replay !== undefined) {
    const [first = '', ...rest] = options.replay.split(':');
    seed = Number(first);
    path = rest.join(':');
  }
  const corpus =
    options.corpus === false || path !== undefined ? { entries: [], skipped: [] } : await listCorpus(options.corpus, { family: family.name, targetKind: targets.kind });
  for (const { file, reason } of corpus.skipped) process.stderr.write(`warning: corpus: skipping ${file}: ${reason}\n`);
  const config: FuzzConfig = {
    family,
    runs: options.runs,
    seed,
    ...(path === undefined ? {} : { path }),
    agents: options.agents,
    maxActions: maxActionsFor(options, targets.kind === 'sim'),
    timeoutPerRunMs: options.timeoutPerRun ?? defaultRunTimeoutMs(targets.timers),
    ...(options.timeBudget === undefined ? {} : { timeBudgetMs: options.timeBudget * 1000 }),
    shrinkBudgetMs: options.shrinkBudget * 1000,
    keepGoing: options.keepGoing,
    maxFindings: options.maxFindings,
    jobs: options.jobs ?? DEFAULT_JOBS[targets.kind],
    corpus: corpus.entries,
    targets,
    signal: stopping.signal,
  };
  const progress = new ProgressLine(process.stderr, options.json || options.verbose ? 0 : options.runs);
  const corpusDir = options.corpus === false ? FAILURES_DIR : options.corpus;
  const output = new CampaignOutput({
    config,
    progress,
    json: options.json,
    verbose: options.verbose,
    shrinkBudgetS: options.shrinkBudget,
    failuresDir: corpusDir,
    retire: (file) => retireFixed(file, corpusDir),
  });
  config.onEvent = output.onEvent;
  const outcome = await fuzz(config);
  progress.stop();
  const code = await report(config, outcome, resolved, options, output, stopping.received());
  // Abandoned runs may still be waiting on their own deadlines: do not wait for them.
  if (stopping.received() !== null) process.exit(code);
  return code;
}

async function report(
  config: FuzzConfig,
  outcome: FuzzOutcome,
  resolved: ResolvedTargets,
  options: FuzzCliOptions,
  output: CampaignOutput,
  signal: StopSignal | null,
): Promise<number> {
  const findings = outcome.findings.map((finding) => {
    const savedTo = output.savedTo(finding);
    return { finding, savedTo, replay: replayCommands(config, resolved, finding, savedTo) };
  });
  const exitCode = signal !== null ? SIGNAL_EXIT_CODES[signal] : outcome.runnerError !== undefined ? 3 : findings.length > 0 ? 1 : 0;
  const summary = fuzzSummary({ config, outcome, exitCode, profile: resolved.profile, url: options.hub ?? null, signal, findings });
  if (options.junit !== undefined) await writeJunitReport(options.junit, summary);
  if (options.html !== undefined) {
    await writeHtmlReport(options.html, {
      title: `agentcom-fuzz: ${config.family.name}, seed ${config.seed}`,
      command: invocation(),
      findings: findings.map(({ finding, replay, savedTo }) => htmlFindingOf(config, finding, replay, savedTo)),
    });
  }
  if (options.json) {
    console.log(JSON.stringify(summary));
    return exitCode;
  }
  if (outcome.runnerError !== undefined) {
    console.error(pc.red(`The fuzzer itself failed (a bug in agentcom-fuzz, not in the hub):\n${outcome.runnerError}`));
  }
  for (const { finding, replay, savedTo } of findings) {
    const fromCorpus = finding.fromCorpus === undefined ? '' : ' (from the corpus)';
    const heading = findings.length > 1 || config.keepGoing || fromCorpus !== '' ? `Finding ${finding.number} of ${findings.length}${fromCorpus}` : null;
    console.log(
      [
        ...(heading === null ? [] : [pc.bold(`\n── ${heading} ──`)]),
        formatFailure({
          property: config.family.name,
          violations: finding.failure.violations,
          actions: finding.failure.actions,
          outcomes: finding.failure.outcomes,
          agentIds: agentNamesFor({ agents: finding.agents ?? config.agents }),
          history: finding.failure.history,
          shrinks: finding.failure.shrinks,
          trace: finding.failure.trace,
          replayCommands: replay,
          ...(savedTo === null ? {} : { savedTo }),
        }),
      ].join('\n'),
    );
  }
  if (findings.length > 1 || (config.keepGoing && findings.length > 0)) console.log(`\n${formatFindingsTable(outcome.findings)}`);
  if (findings.length > 0) return exitCode;
  if (signal !== null) {
    console.log(pc.yellow(`stopped by ${signal} after ${outcome.runs} runs of "${config.family.name}" (seed ${config.seed}): no violation so far`));
  } else if (outcome.runnerError === undefined) {
    const budget = outcome.interrupted ? ' (time budget reached)' : '';
    console.log(
      pc.green(`✓ ${outcome.runs} runs of "${config.family.name}" passed in ${(outcome.elapsedMs / 1000).toFixed(1)} s`) +
        ` (${summary.runsPerSecond.toFixed(1)} runs/s, seed ${config.seed})${budget}`,
    );
  }
  return exitCode;
}

async function replayFile(file: string, options: FuzzCliOptions, stopping: ReturnType<typeof stopOnSignals>): Promise<number> {
  const saved = await loadFailure(file).catch((error: unknown) =>
    error instanceof UnreadableFailureFile ? exitWithUsageError(error.message) : Promise.reject(error),
  );
  const family = findFamily(saved.property);
  if (!family) return exitWithUsageError(`${file} names an unknown property family ${saved.property}`);
  const resolved = await targetsFromOptions(options, saved);
  const config = {
    family,
    agents: saved.agents,
    timeoutPerRunMs: options.timeoutPerRun ?? defaultRunTimeoutMs(saved.timers),
    targets: resolved.targets,
    signal: stopping.signal,
  };
  const { violations, result } = await playOnce(config, saved.seed, saved.actions, saved.schedule);
  const signal = stopping.received();
  if (signal !== null) process.exit(SIGNAL_EXIT_CODES[signal]);
  const agentIds = agentNamesFor(config);
  const replayCommands = [['npm run fuzz -- --replay', file, ...resolved.targetFlags].join(' ')];
  if (options.html !== undefined && violations.length > 0) {
    await writeHtmlReport(options.html, {
      title: `agentcom-fuzz: replay of ${file}`,
      command: invocation(),
      findings: [{ heading: `Replay of ${file}`, violations, actions: saved.actions, outcomes: result.outcomes, agentIds, history: result.history, trace: result.trace, replayCommands, savedTo: file }],
    });
  }
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
        replayCommands,
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
