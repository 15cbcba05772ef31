import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryEvent, TimerSettings } from '../../models/history.js';
import type { Violation } from '../../models/check.js';
import type { Action } from '../actions/action.js';
import { redactTokens } from '../http/redact.js';
import type { ActionOutcome } from '../runner/execute-action.js';
import type { Schedule } from '../sim/schedule.js';

export const FAILURE_FORMAT = 'agentcom-fuzz/failure@2';
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

export async function loadFailure(path: string): Promise<FailureFile> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<FailureFile>;
  if (parsed.format !== FAILURE_FORMAT || !Array.isArray(parsed.actions)) {
    throw new Error(`${path} is not an agentcom-fuzz failure file (${FAILURE_FORMAT})`);
  }
  return parsed as FailureFile;
}
