/**
 * `npm run fuzz -- --json`: one JSON document per invocation, for scripts and
 * CI. The README documents the schema; bump SUMMARY_FORMAT when a field
 * changes meaning or goes away.
 */
import type { TimerSettings } from '../../models/history.js';
import { INVARIANTS, type Violation } from '../../models/check.js';
import { describeAction, type Action } from '../actions/action.js';
import type { Finding } from '../runner/findings.js';
import { agentNamesFor, type FuzzConfig, type FuzzOutcome } from '../runner/fuzz.js';

export const SUMMARY_FORMAT = 'agentcom-fuzz/summary@2';

export interface FailureSummary {
  violations: Violation[];
  /** The shrunk counterexample, as data (what a failure file holds)… */
  actions: Action[];
  /** …and as the lines the console report prints. */
  steps: string[];
  /** fast-check's path to the counterexample: `--replay SEED:PATH`. */
  path: string;
  shrinks: number;
  /** Commands that replay the failure; the first replays the saved file when there is one. */
  replay: string[];
  savedTo: string | null;
}

/** One distinct defect: its counterexample as `failure` has it, and how the campaign met it. */
export interface FindingSummary extends FailureSummary {
  number: number;
  /** Its own seed: a corpus entry keeps the one it was found with. */
  seed: number;
  /** The buckets (invariant/kind) it was opened for. */
  bucket: string[];
  /** 1-based run that found it; null when it came from the corpus. */
  firstRun: number | null;
  hits: number;
  /** How shrinking ended: done, budget, interrupted, hub-down, or replayed (a replay or corpus entry, not shrunk). */
  shrinkEnd: string | null;
  shrinkAttempts: number;
  shrinkMs: number;
  originalLength: number;
  fromCorpus: string | null;
  /** Buckets candidates broke while this finding shrank, though not its own. */
  alsoSeen: string[];
}

export interface FuzzSummary {
  format: typeof SUMMARY_FORMAT;
  ok: boolean;
  /** The process's exit code: 0 passed, 1 an invariant failed, 3 the fuzzer failed, 130 interrupted. */
  exitCode: number;
  property: string;
  invariants: Array<{ id: string; name: string }>;
  seed: number;
  /** Runs played before the verdict (with a failure: up to and including the first failing one). */
  runs: number;
  elapsedMs: number;
  runsPerSecond: number;
  actionsPlayed: number;
  /** Fewer runs than asked: the time budget ran out, or a signal came. */
  interrupted: boolean;
  signal: string | null;
  target: {
    kind: string;
    /** null for the embedded hub (a fresh one per run). */
    url: string | null;
    profile: string;
    timers: TimerSettings;
    canRestart: boolean;
    /** Deliberate defects of the embedded hub. */
    faults: string[];
  };
  /** Every distinct finding (one without --keep-going). */
  findings: FindingSummary[];
  /** The first finding, for readers of summary@1. */
  failure: FailureSummary | null;
  runnerError: string | null;
}

export interface SummaryInput {
  config: FuzzConfig;
  outcome: FuzzOutcome;
  exitCode: number;
  profile: string;
  url: string | null;
  signal: string | null;
  findings: ReadonlyArray<{ finding: Finding; replay: string[]; savedTo: string | null }>;
}

function findingSummary(config: FuzzConfig, { finding, replay, savedTo }: SummaryInput['findings'][number]): FindingSummary {
  const agentNames = agentNamesFor({ agents: finding.agents ?? config.agents });
  const { failure } = finding;
  return {
    number: finding.number,
    seed: failure.seed,
    bucket: finding.buckets,
    firstRun: finding.fromCorpus === undefined ? finding.firstRun + 1 : null,
    hits: finding.hits,
    shrinkEnd: finding.shrinkEnd,
    shrinkAttempts: finding.shrinkAttempts,
    shrinkMs: finding.shrinkMs,
    originalLength: finding.originalLength,
    fromCorpus: finding.fromCorpus ?? null,
    alsoSeen: finding.alsoSeen,
    violations: failure.violations,
    actions: failure.actions,
    steps: failure.actions.map((action) => describeAction(action, agentNames)),
    path: failure.path,
    shrinks: failure.shrinks,
    replay,
    savedTo,
  };
}

export function fuzzSummary(input: SummaryInput): FuzzSummary {
  const { config, outcome } = input;
  const findings = input.findings.map((entry) => findingSummary(config, entry));
  const first = findings[0];
  return {
    format: SUMMARY_FORMAT,
    ok: outcome.ok && input.signal === null,
    exitCode: input.exitCode,
    property: config.family.name,
    invariants: INVARIANTS.filter((i) => config.family.invariants.includes(i.id)).map((i) => ({ id: i.id, name: i.name })),
    seed: config.seed,
    runs: outcome.runs,
    elapsedMs: outcome.elapsedMs,
    runsPerSecond: Number((outcome.runs / Math.max(outcome.elapsedMs / 1000, 0.001)).toFixed(2)),
    actionsPlayed: outcome.actionsPlayed,
    interrupted: outcome.interrupted || input.signal !== null,
    signal: input.signal,
    target: {
      kind: config.targets.kind,
      url: input.url,
      profile: input.profile,
      timers: { ...config.targets.timers },
      canRestart: config.targets.canRestart,
      faults: [...config.targets.faults],
    },
    findings,
    failure:
      first === undefined
        ? null
        : {
            violations: first.violations,
            actions: first.actions,
            steps: first.steps,
            path: first.path,
            shrinks: first.shrinks,
            replay: first.replay,
            savedTo: first.savedTo,
          },
    runnerError: outcome.runnerError ?? null,
  };
}
