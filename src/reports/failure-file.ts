import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryEvent, TimerSettings } from '../../models/history.js';
import { currentKind, isKnownKind, type Violation } from '../../models/check.js';
import { PROPERTY_FAMILIES, findFamily } from '../../properties/index.js';
import type { Action, ActionKind } from '../actions/action.js';
import { redactTokens } from '../http/redact.js';
import type { ActionOutcome } from '../runner/execute-action.js';
import type { Schedule } from '../sim/schedule.js';

/** @3: violations carry their kind (a finding's bucket is invariant and kind). */
export const FAILURE_FORMAT = 'agentcom-fuzz/failure@3';
export const FAILURES_DIR = join('.fuzz', 'failures');

/** Everything needed to replay a failure without fast-check, and to read it later. */
export interface FailureFile {
  format: typeof FAILURE_FORMAT;
  createdAt: string;
  property: string;
  seed: number;
  path: string;
  agents: number;
  maxActions: number;
  faults: string[];
  timers: TimerSettings;
  /** A simulated run: replay it in simulation, with this schedule. Absent in files of network runs. */
  sim?: boolean;
  schedule?: Schedule;
  actions: Action[];
  outcomes: ActionOutcome[];
  violations: Violation[];
  history: readonly HistoryEvent[];
}

/**
 * Writes a failure file and returns its name: a new one in `dir`, or `over` an
 * earlier one (a finding's file is rewritten as shrinking finds smaller ones).
 * Written aside and renamed, so a fuzzer killed mid-write leaves the last whole file.
 */
export async function saveFailure(file: Omit<FailureFile, 'format' | 'createdAt'>, dir = FAILURES_DIR, over?: string): Promise<string> {
  const createdAt = new Date().toISOString();
  await mkdir(dir, { recursive: true });
  const name = over ?? join(dir, `${createdAt.replace(/[:.]/g, '-')}-${file.seed}.json`);
  const content: FailureFile = { format: FAILURE_FORMAT, createdAt, ...file, history: redactTokens(file.history) as HistoryEvent[] };
  await writeFile(`${name}.part`, `${JSON.stringify(content, null, 2)}\n`);
  await rename(`${name}.part`, name);
  return name;
}

/** A file that is not a failure file this version can replay: the one line to say, naming the file and why. */
export class UnreadableFailureFile extends Error {
  override readonly name = 'UnreadableFailureFile';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} is not a readable failure file: ${reason}`);
  }
}

const isInteger = (value: unknown): boolean => Number.isInteger(value);
const isCount = (value: unknown): boolean => isInteger(value) && (value as number) >= 0;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): boolean => typeof value === 'string';
const listOf =
  (valid: (value: unknown) => boolean) =>
  (value: unknown): boolean =>
    Array.isArray(value) && value.every(valid);
const withFields = (value: unknown, fields: readonly string[], valid: (field: unknown) => boolean): boolean =>
  isObject(value) && fields.every((field) => valid(value[field]));

/** Typed as a record so that a new action kind cannot be forgotten here: a replay can play every kind listed. */
const ACTION_KINDS: Record<ActionKind, true> = {
  connect: true,
  'identify-bad-token': true,
  'set-behaviour': true,
  'accept-late': true,
  progress: true,
  kill: true,
  close: true,
  reconnect: true,
  recover: true,
  'stale-generation': true,
  'foreign-task': true,
  submit: true,
  'retry-dead-letter': true,
  observe: true,
  wait: true,
  'restart-hub': true,
  'hostile-http': true,
  'hostile-ws': true,
  'delay-link': true,
  'drop-link': true,
  'half-open': true,
};
const TIMER_FIELDS: ReadonlyArray<keyof TimerSettings> = ['acceptanceMs', 'overdueSweepMs', 'stuckSweepMs', 'stuckThresholdMs', 'wsIdleMs'];

function isAction(value: unknown): boolean {
  if (!isObject(value) || !(typeof value.kind === 'string' && Object.hasOwn(ACTION_KINDS, value.kind))) return false;
  return !('agent' in value) || isCount(value.agent);
}

/** Fields a replay or a report reads, each with its check; anything else in the file is for people. */
const REQUIRED: ReadonlyArray<[keyof FailureFile, (value: unknown) => boolean, string]> = [
  ['createdAt', isString, 'a string'],
  ['property', isString, 'a string'],
  ['seed', isInteger, 'an integer'],
  ['path', isString, 'a string'],
  ['agents', (v) => isInteger(v) && (v as number) > 0, 'a positive integer'],
  ['maxActions', isCount, 'a non-negative integer'],
  ['faults', listOf(isString), 'a list of strings'],
  ['timers', (v) => withFields(v, TIMER_FIELDS, (ms) => typeof ms === 'number' && ms >= 0), `an object of ${TIMER_FIELDS.join(', ')} in ms`],
  ['actions', listOf(isAction), 'a list of actions, each with a known kind'],
  ['outcomes', Array.isArray, 'a list'],
  ['violations', listOf((v) => withFields(v, ['invariant', 'kind', 'message'], isString)), 'a list of violations with invariant, kind and message'],
  ['history', Array.isArray, 'a list'],
];

/** Reads and checks a failure file; anything else is an UnreadableFailureFile saying why. */
export async function loadFailure(path: string): Promise<FailureFile> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UnreadableFailureFile(path, error.code === 'ENOENT' ? 'no such file' : (error.code ?? error.message));
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UnreadableFailureFile(path, text.trimStart().startsWith('{') ? 'its JSON is cut short or broken' : 'not JSON');
  }
  if (!isObject(parsed)) throw new UnreadableFailureFile(path, 'not a JSON object');
  const file = parsed;
  if (file.format !== FAILURE_FORMAT) {
    const found = typeof file.format === 'string' ? `format ${file.format}` : 'no format field';
    throw new UnreadableFailureFile(path, `${found}, expected ${FAILURE_FORMAT}`);
  }
  for (const [field, valid, what] of REQUIRED) {
    if (!valid(file[field])) throw new UnreadableFailureFile(path, `"${field}" is missing or not ${what}`);
  }
  if (findFamily(file.property as string) === undefined) {
    throw new UnreadableFailureFile(path, `unknown property family "${String(file.property)}" (known: ${PROPERTY_FAMILIES.map((f) => f.name).join(', ')})`);
  }
  if (file.sim !== undefined && typeof file.sim !== 'boolean') throw new UnreadableFailureFile(path, '"sim" is not true or false');
  if (file.sim === true && !listOf((d) => withFields(d, ['action', 'choice', 'pick'], isCount))(file.schedule)) {
    throw new UnreadableFailureFile(path, 'a simulated failure without a "schedule" of departures (action, choice, pick)');
  }
  const violations = (file.violations as Violation[]).map((v) => ({ ...v, kind: currentKind(v) }));
  const unknown = violations.find((v) => !isKnownKind(v));
  // A corpus replay looks for the saved kinds again: one no longer judged would never show, and the file would pass for fixed.
  if (unknown !== undefined) throw new UnreadableFailureFile(path, `a violation of kind ${unknown.invariant}/${unknown.kind}, which this version does not judge`);
  return { ...(parsed as unknown as FailureFile), violations };
}
