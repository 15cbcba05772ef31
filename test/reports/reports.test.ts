// The JSON summary and the JUnit XML built from it.
import { describe, expect, it } from 'vitest';
import { findFamily } from '../../properties/index.js';
import type { FuzzConfig, FuzzOutcome } from '../../src/runner/fuzz.js';
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

const passed: FuzzOutcome = { ok: true, runs: 50, elapsedMs: 10_000, actionsPlayed: 500, interrupted: false };

const failed: FuzzOutcome = {
  ok: false,
  runs: 7,
  elapsedMs: 3_000,
  actionsPlayed: 80,
  interrupted: false,
  failure: {
    family: 'fencing',
    seed: 42,
    path: '6:1:0',
    actions: [
      { kind: 'connect', agent: 0, capabilities: [], behaviour: 'complete' },
      { kind: 'stale-generation', op: 'complete', generation: 'zero' },
    ],
    outcomes: [{ status: 'done' }, { status: 'done' }],
    violations: [{ invariant: 'I3', name: 'fencing', message: 'a <stale> "complete" & more\u0001', evidence: [3, 4] }],
    history: [],
    shrinks: 4,
    schedule: NATURAL_ORDER,
    trace: [],
  },
};

function input(outcome: FuzzOutcome, overrides: Partial<SummaryInput> = {}): SummaryInput {
  const replay = outcome.failure ? ['npm run fuzz -- --replay 42:6:1:0 --property fencing --fault unfenced-complete'] : [];
  const exitCode = outcome.failure ? 1 : 0;
  return { config, outcome, exitCode, profile: 'fast', url: null, signal: null, replay, savedTo: null, ...overrides };
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

  it('a fuzzer failure is an error case; an interrupt skips what was not judged', () => {
    const broken = junitXml(fuzzSummary(input({ ...passed, ok: false, runnerError: 'TypeError: boom' }, { exitCode: 3 })));
    expect(broken).toContain('<testcase classname="agentcom-fuzz.fencing" name="runner" time="0"><error type="runner"');
    expect(broken).toContain('errors="1"');
    const interrupted = junitXml(fuzzSummary(input(passed, { signal: 'SIGINT', exitCode: 130 })));
    expect(interrupted).toContain('skipped="4"');
    expect(interrupted).toContain('<skipped message="interrupted by SIGINT"/>');
  });
});
