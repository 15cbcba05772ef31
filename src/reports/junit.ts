/**
 * `npm run fuzz -- --junit FILE`: the verdict as JUnit XML, for CI test
 * reports. One test case per invariant the property checks; a violated one
 * fails listing every finding that broke it, each with its shrunk
 * counterexample and replay commands. Built from
 * the JSON summary, so the two reports never disagree.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FuzzSummary } from './json-summary.js';

// XML 1.0 forbids most control characters even when escaped.
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
}

/** Every finding that broke this invariant, each with its counterexample and replay commands. */
function failureBody(summary: FuzzSummary, invariant: string): string {
  const lines: string[] = [];
  for (const finding of summary.findings.filter((f) => f.violations.some((v) => v.invariant === invariant))) {
    if (summary.findings.length > 1) lines.push(`── finding ${finding.number} (${finding.bucket.join(', ')}; ${finding.hits} run(s) hit it)`);
    lines.push(...finding.violations.filter((v) => v.invariant === invariant).map((v) => `✗ ${v.invariant} ${v.name}: ${v.message}`));
    lines.push('', `Counterexample (${finding.steps.length} actions, shrunk ${finding.shrinks} time(s), seed ${finding.seed}, path ${finding.path}):`);
    lines.push(...finding.steps.map((step, i) => `${String(i + 1).padStart(3)}. ${step}`));
    if (finding.savedTo !== null) lines.push('', `Saved to ${finding.savedTo}`);
    lines.push('', 'Replay:', ...finding.replay.map((command) => `  ${command}`), '');
  }
  return lines.join('\n').trimEnd();
}

interface Case {
  name: string;
  /** The XML inside <testcase>, empty when it passed. */
  inner: string;
  failed: boolean;
  errored: boolean;
  skipped: boolean;
}

function invariantCase(summary: FuzzSummary, invariant: { id: string; name: string }): Case {
  const name = `${invariant.id} ${invariant.name}`;
  const violations = summary.findings.flatMap((f) => f.violations.filter((v) => v.invariant === invariant.id));
  const [first] = violations;
  if (first !== undefined) {
    const inner = `<failure${attributes({ type: invariant.id, message: first.message })}>${escapeXml(failureBody(summary, invariant.id))}</failure>`;
    return { name, inner, failed: true, errored: false, skipped: false };
  }
  if (summary.signal !== null) {
    return { name, inner: `<skipped${attributes({ message: `interrupted by ${summary.signal}` })}/>`, failed: false, errored: false, skipped: true };
  }
  return { name, inner: '', failed: false, errored: false, skipped: false };
}

function runnerCase(error: string): Case {
  const inner = `<error${attributes({ type: 'runner', message: 'the fuzzer itself failed (a bug in agentcom-fuzz, not in the hub)' })}>${escapeXml(error)}</error>`;
  return { name: 'runner', inner, failed: false, errored: true, skipped: false };
}

export function junitXml(summary: FuzzSummary, timestamp = new Date()): string {
  const suite = `agentcom-fuzz.${summary.property}`;
  const cases = summary.invariants.map((invariant) => invariantCase(summary, invariant));
  if (summary.runnerError !== null) cases.push(runnerCase(summary.runnerError));
  const count = (what: (c: Case) => boolean): number => cases.filter(what).length;
  const totals = {
    tests: cases.length,
    failures: count((c) => c.failed),
    errors: count((c) => c.errored),
    skipped: count((c) => c.skipped),
    time: (summary.elapsedMs / 1000).toFixed(3),
  };
  const properties = {
    seed: summary.seed,
    runs: summary.runs,
    target: summary.target.url ?? summary.target.kind,
    profile: summary.target.profile,
    faults: summary.target.faults.join(' '),
  };
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'agentcom-fuzz', ...totals })}>`,
    `  <testsuite${attributes({ name: suite, ...totals, timestamp: timestamp.toISOString() })}>`,
    '    <properties>',
    ...Object.entries(properties).map(([name, value]) => `      <property${attributes({ name, value })}/>`),
    '    </properties>',
    ...cases.map((c) => {
      const open = `    <testcase${attributes({ classname: suite, name: c.name, time: 0 })}`;
      return c.inner === '' ? `${open}/>` : `${open}>${c.inner}</testcase>`;
    }),
    '  </testsuite>',
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}

export async function writeJunitReport(file: string, summary: FuzzSummary): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, junitXml(summary));
}
