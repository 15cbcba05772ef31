// The JSON summary and the JUnit XML built from it.
import { describe, expect, it } from 'vitest';
import { findFamily } from '../../properties/index.js';
import type { Finding } from '../../src/runner/findings.js';
import type { Failure, FuzzConfig, FuzzOutcome } from '../../src/runner/fuzz.js';
import { fuzzSummary, SUMMARY_FORMAT, type SummaryInput } from '../../src/reports/json-summary.js';
import { junitXml } from '../../src/reports/junit.js';
import { NATURAL_ORDER } from '../../src/sim/schedule.js';
import { embeddedTargets, FAST_TIMERS } from '../../src/targets/embedded.js';

const family = findFamily('fencing');
if (family === undefined) throw new Error('no fencing family');

const config: FuzzConfig = {
  family,
  runs: 50,
  seed: 42,
  agents: 3,
  maxActions: 20,
  timeoutPerRunMs: 60_000,
  targets: embeddedTargets({ timers: FAST_TIMERS, faults: ['unfenced-complete'] }),
};

const passed: FuzzOutcome = { ok: true, runs: 50, elapsedMs: 10_000, actionsPlayed: 500, interrupted: false, findings: [] };

const fencingFailure: Failure = {
  family: 'fencing',
  seed: 42,
  path: '6:1:0',
  actions: [
    { kind: 'connect', agent: 0, capabilities: [], behaviour: 'complete' },
    { kind: 'stale-generation', op: 'complete', generation: 'zero' },
  ],
  outcomes: [{ status: 'done' }, { status: 'done' }],
  violations: [{ invariant: 'I3', kind: 'stale-report', name: 'fencing', message: 'a <stale> "complete" & more\u0001', evidence: [3, 4] }],
  history: [],
  shrinks: 4,
  schedule: NATURAL_ORDER,
  trace: [],
};

function findingOf(number: number, failure: Failure, firstRun: number, hits: number): Finding {
  return {
    number,
    buckets: [...new Set(failure.violations.map((v) => `${v.invariant}/${v.kind}`))],
    firstRun,
    hits,
    failure,
    originalLength: 9,
    shrinkEnd: 'done',
    shrinkAttempts: 20,
    shrinkMs: 1500,
    alsoSeen: [],
  };
}

const fencingFinding = findingOf(1, fencingFailure, 6, 3);
const lostFinding = findingOf(
  2,
  {
    ...fencingFailure,
    path: '40:2',
    actions: [{ kind: 'connect', agent: 1, capabilities: [], behaviour: 'ignore' }],
    violations: [
      { invariant: 'I1', kind: 'not-terminal', name: 'exactly-once', message: 'task t is not terminal after quiesce', evidence: [9] },
      { invariant: 'I3', kind: 'non-contract-error', name: 'fencing', message: 'rejected with a stranger error', evidence: [7] },
    ],
  },
  40,
  1,
);

const failed: FuzzOutcome = {
  ok: false,
  runs: 7,
  elapsedMs: 3_000,
  actionsPlayed: 80,
  interrupted: false,
  findings: [fencingFinding],
  failure: fencingFailure,
};

const twoFindings: FuzzOutcome = { ...failed, runs: 50, findings: [fencingFinding, lostFinding] };

function input(outcome: FuzzOutcome, overrides: Partial<SummaryInput> = {}): SummaryInput {
  const findings = outcome.findings.map((finding) => ({
    finding,
    replay: [`npm run fuzz -- --replay 42:${finding.failure.path} --property fencing --fault unfenced-complete`],
    savedTo: null,
  }));
  const exitCode = outcome.findings.length > 0 ? 1 : 0;
  return { config, outcome, exitCode, profile: 'fast', url: null, signal: null, findings, ...overrides };
}

describe('JSON summary', () => {
  it('describes a pass: format, verdict, target and the invariants checked', () => {
    const summary = fuzzSummary(input(passed));
    expect(summary).toMatchObject({
      format: SUMMARY_FORMAT,
      ok: true,
      exitCode: 0,
      property: 'fencing',
      seed: 42,
      runs: 50,
      runsPerSecond: 5,
      interrupted: false,
      signal: null,
      target: { kind: 'embedded', url: null, profile: 'fast', timers: FAST_TIMERS, canRestart: true, faults: ['unfenced-complete'] },
      findings: [],
      failure: null,
      runnerError: null,
    });
    expect(summary.invariants.map((i) => i.id)).toEqual(['I1', 'I2', 'I3', 'I10']);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });

  it('carries the shrunk counterexample as data and as readable steps, with the replay commands', () => {
    const summary = fuzzSummary(input(failed));
    expect(summary.ok).toBe(false);
    expect(summary.failure).toMatchObject({ path: '6:1:0', shrinks: 4, replay: [expect.stringContaining('--replay 42:6:1:0')] });
    expect(summary.failure?.actions).toEqual(failed.failure?.actions);
    expect(summary.failure?.steps[0]).toMatch(/^agent-0: connect/);
  });

  it('summary@2 lists every finding with its bucket, first run and hits; failure is the first one', () => {
    const summary = fuzzSummary(input(twoFindings));
    expect(summary.format).toBe('agentcom-fuzz/summary@2');
    expect(summary.findings.map((f) => ({ number: f.number, bucket: f.bucket, firstRun: f.firstRun, hits: f.hits, path: f.path }))).toEqual([
      { number: 1, bucket: ['I3/stale-report'], firstRun: 7, hits: 3, path: '6:1:0' },
      { number: 2, bucket: ['I1/not-terminal', 'I3/non-contract-error'], firstRun: 41, hits: 1, path: '40:2' },
    ]);
    expect(summary.findings[1]?.replay).toEqual(['npm run fuzz -- --replay 42:40:2 --property fencing --fault unfenced-complete']);
    expect(summary.failure?.path).toBe('6:1:0');
    expect(summary.findings[0]).toMatchObject({ shrinkEnd: 'done', shrinkAttempts: 20, originalLength: 9, fromCorpus: null, seed: 42 });
  });

  it('an interrupted run is not ok, even with no violation', () => {
    expect(fuzzSummary(input(passed, { signal: 'SIGINT', exitCode: 130 }))).toMatchObject({ ok: false, interrupted: true, signal: 'SIGINT' });
  });
});

describe('JUnit XML', () => {
  const testcases = (xml: string): string[] => xml.match(/<testcase [^>]*?(\/>|>[\s\S]*?<\/testcase>)/g) ?? [];

  it('has one passing test case per invariant of the property', () => {
    const xml = junitXml(fuzzSummary(input(passed)));
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(testcases(xml).map((c) => /\sname="([^"]+)"/.exec(c)?.[1])).toEqual(['I1 exactly-once', 'I2 single-holder', 'I3 fencing', 'I10 availability']);
    expect(xml).toContain('<testsuite name="agentcom-fuzz.fencing" tests="4" failures="0" errors="0" skipped="0" time="10.000"');
    expect(xml).toContain('<property name="seed" value="42"/>');
  });

  it('fails the violated invariant with the counterexample and the replay command, escaped', () => {
    const xml = junitXml(fuzzSummary(input(failed)));
    const fencing = testcases(xml).find((c) => c.includes('name="I3 fencing"')) ?? '';
    expect(fencing).toContain('<failure type="I3" message="a &lt;stale&gt; &quot;complete&quot; &amp; more">');
    expect(fencing).toContain('1. agent-0: connect');
    expect(fencing).toContain('shrunk 4 time(s), seed 42, path 6:1:0');
    expect(fencing).toContain('npm run fuzz -- --replay 42:6:1:0 --property fencing --fault unfenced-complete');
    expect(xml).not.toContain('\u0001');
    expect(xml).toContain('failures="1"');
    expect(testcases(xml).filter((c) => c.includes('<failure'))).toHaveLength(1);
  });

  it('a violated invariant lists every finding that broke it', () => {
    const xml = junitXml(fuzzSummary(input(twoFindings)));
    const fencing = testcases(xml).find((c) => c.includes('name="I3 fencing"')) ?? '';
    expect(fencing).toContain('── finding 1 (I3/stale-report; 3 run(s) hit it)');
    expect(fencing).toContain('── finding 2 (I1/not-terminal, I3/non-contract-error; 1 run(s) hit it)');
    expect(fencing).toContain('--replay 42:40:2');
    const once = testcases(xml).find((c) => c.includes('name="I1 exactly-once"')) ?? '';
    expect(once).toContain('finding 2');
    expect(once).not.toContain('finding 1 ');
    expect(xml).toContain('failures="2"');
  });

  it('a fuzzer failure is an error case; an interrupt skips what was not judged', () => {
    const broken = junitXml(fuzzSummary(input({ ...passed, ok: false, runnerError: 'TypeError: boom' }, { exitCode: 3 })));
    expect(broken).toContain('<testcase classname="agentcom-fuzz.fencing" name="runner" time="0"><error type="runner"');
    expect(broken).toContain('errors="1"');
    const interrupted = junitXml(fuzzSummary(input(passed, { signal: 'SIGINT', exitCode: 130 })));
    expect(interrupted).toContain('skipped="4"');
    expect(interrupted).toContain('<skipped message="interrupted by SIGINT"/>');
    const terminated = junitXml(fuzzSummary(input(failed, { signal: 'SIGTERM', exitCode: 143 })));
    expect(terminated).toContain('<skipped message="interrupted by SIGTERM"/>');
    expect(terminated).toContain('failures="1"');
  });
});
