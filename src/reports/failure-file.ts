import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryEvent, TimerSettings } from '../../models/history.js';
import type { Violation } from '../../models/check.js';
import type { Action } from '../actions/action.js';
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
const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Fields a replay reads, each with its check; anything else in the file is for people. */
const REQUIRED: ReadonlyArray<[keyof FailureFile, (value: unknown) => boolean, string]> = [
  ['property', (v) => typeof v === 'string', 'a string'],
  ['seed', isInteger, 'an integer'],
  ['path', (v) => typeof v === 'string', 'a string'],
  ['agents', (v) => isInteger(v) && (v as number) > 0, 'a positive integer'],
  ['maxActions', isInteger, 'an integer'],
  ['faults', (v) => Array.isArray(v) && v.every((f) => typeof f === 'string'), 'a list of strings'],
  ['timers', isObject, 'an object'],
  ['actions', (v) => Array.isArray(v) && v.every(isObject), 'a list of actions'],
  ['violations', (v) => Array.isArray(v) && v.every((x) => isObject(x) && typeof (x as { kind?: unknown }).kind === 'string'), 'a list of violations with kinds'],
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
  const file = parsed as Record<string, unknown>;
  if (file.format !== FAILURE_FORMAT) {
    const found = typeof file.format === 'string' ? `format ${file.format}` : 'no format field';
    throw new UnreadableFailureFile(path, `${found}, expected ${FAILURE_FORMAT}`);
  }
  for (const [field, valid, what] of REQUIRED) {
    if (!valid(file[field])) throw new UnreadableFailureFile(path, `"${field}" is missing or not ${what}`);
  }
  if (file.sim === true && !Array.isArray(file.schedule)) throw new UnreadableFailureFile(path, 'a simulated failure without its "schedule"');
  return parsed as FailureFile;
}
