/**
 * docs/contract-coverage.md maps every rule of the contract to the invariants
 * that judge it and the faults that prove they do. This keeps it honest: a
 * rule, invariant or fault added without its row, or a row naming something
 * that does not exist, fails here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INVARIANT_INFO, type InvariantId } from '../../models/invariants/catalog.js';
import { VIOLATION_KINDS } from '../../models/invariants/kinds.js';
import { FAULT_CATALOGUE } from '../../src/hub/faults/catalogue.js';

const MATRIX = 'docs/contract-coverage.md';
/** The one table that lists rules outside any history, so names no invariant. */
const UNJUDGED_SECTION = 'Rules no history can show';

interface Row {
  section: string;
  rule: string;
  judgedBy: string[];
  provenBy: string[];
  tests: string[];
}

function cells(line: string): string[] {
  return line.slice(1, -1).split('|').map((cell) => cell.trim());
}

function backticked(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);
}

/** Every data row of every matrix table (rule | judged by | proven by | tests | notes). */
function readRows(text: string): Row[] {
  const rows: Row[] = [];
  let section = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3).trim();
    if (section === UNJUDGED_SECTION || !line.startsWith('|') || line.startsWith('|---') || line.startsWith('| rule |')) continue;
    const [rule = '', judged = '', proven = '', tests = ''] = cells(line);
    rows.push({ section, rule, judgedBy: judged.split(',').map((entry) => entry.trim()).filter(Boolean), provenBy: backticked(proven), tests: backticked(tests) });
  }
  return rows;
}

const rows = readRows(readFileSync(MATRIX, 'utf8'));
const faultNames = new Set<string>(FAULT_CATALOGUE.map((fault) => fault.name));

function invariantOf(entry: string): string {
  return entry.split('/')[0] ?? '';
}

function isKnownEntry(entry: string): boolean {
  const [id, kind] = entry.split('/');
  if (id === undefined || !(id in INVARIANT_INFO)) return false;
  return kind === undefined || kind in VIOLATION_KINDS[id as InvariantId];
}

describe(MATRIX, () => {
  it('has rows in every section', () => {
    expect(new Set(rows.map((row) => row.section))).toEqual(
      new Set(['WebSocket messages', 'HTTP routes', 'Task lifecycle', 'Scheduling', 'Agent state machine', 'Timers', 'Reference behaviour']),
    );
  });

  it('names at least one invariant, one fault and one test on every row', () => {
    const incomplete = rows.filter((row) => row.judgedBy.length === 0 || row.provenBy.length === 0 || row.tests.length === 0);
    expect(incomplete.map((row) => row.rule)).toEqual([]);
  });

  it('names only invariants and kinds the model has', () => {
    const unknown = rows.flatMap((row) => row.judgedBy.filter((entry) => !isKnownEntry(entry)).map((entry) => `${row.rule}: ${entry}`));
    expect(unknown).toEqual([]);
  });

  it('names only faults of the catalogue', () => {
    const unknown = rows.flatMap((row) => row.provenBy.filter((name) => !faultNames.has(name)).map((name) => `${row.rule}: ${name}`));
    expect(unknown).toEqual([]);
  });

  it('names only test files that exist', () => {
    const missing = rows.flatMap((row) => row.tests.filter((path) => !existsSync(path)).map((path) => `${row.rule}: ${path}`));
    expect(missing).toEqual([]);
  });

  it('has a row for every invariant', () => {
    const judged = new Set(rows.flatMap((row) => row.judgedBy.map(invariantOf)));
    expect(Object.keys(INVARIANT_INFO).filter((id) => !judged.has(id))).toEqual([]);
  });

  it('has a row for every fault of the catalogue', () => {
    const proving = new Set(rows.flatMap((row) => row.provenBy));
    expect([...faultNames].filter((name) => !proving.has(name))).toEqual([]);
  });

  it('reads what it checks: a row without a fault or with an unknown invariant is seen', () => {
    const [broken] = readRows('## Timers\n| rule | judged by | proven by | tests | notes |\n|---|---|---|---|---|\n| a rule | I99/none |  | `x` | |\n');
    expect(broken?.provenBy).toEqual([]);
    expect(broken?.judgedBy.every(isKnownEntry)).toBe(false);
  });
});
