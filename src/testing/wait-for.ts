import { withDeadline } from '../agents/deadline.js';
import { redactTokens } from '../http/redact.js';

export interface WaitForOptions<T> {
  timeoutMs: number;
  /** Pause between probes. Default 50. */
  intervalMs?: number;
  /** Named in the timeout error: what was awaited. */
  what: string;
  /** When the probed value is good enough. Default: truthy. */
  until?: (value: T) => boolean;
}

const MAX_SHOWN = 500;

function show(last: { value: unknown } | { error: unknown } | undefined): string {
  if (last === undefined) return 'no probe finished';
  if ('error' in last) return `probe failed: ${last.error instanceof Error ? last.error.message : String(last.error)}`;
  const text = JSON.stringify(redactTokens(last.value)) ?? String(last.value);
  return `last value seen: ${text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type Truthy<T> = Exclude<T, null | undefined | false | 0 | ''>;
type Probe<T> = () => T | Promise<T>;

/**
 * Probes until the value satisfies `until` (default: truthy) and returns it.
 * A probe that throws is retried (the error is shown if time runs out); a
 * probe that hangs is cut off at the deadline.
 */
export function waitFor<T, U extends T>(probe: Probe<T>, options: WaitForOptions<T> & { until: (value: T) => value is U }): Promise<U>;
export function waitFor<T>(probe: Probe<T>, options: WaitForOptions<T> & { until: (value: T) => boolean }): Promise<T>;
export function waitFor<T>(probe: Probe<T>, options: Omit<WaitForOptions<T>, 'until'>): Promise<Truthy<T>>;
export async function waitFor<T>(probe: Probe<T>, options: WaitForOptions<T>): Promise<T> {
  const until = options.until ?? ((value: T): boolean => Boolean(value));
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + options.timeoutMs;
  let last: { value: T } | { error: unknown } | undefined;
  while (Date.now() < deadline) {
    try {
      const value = await withDeadline(Promise.resolve().then(probe), deadline - Date.now(), options.what);
      last = { value };
      if (until(value)) return value;
    } catch (error) {
      last = { error };
    }
    const pause = Math.min(intervalMs, deadline - Date.now());
    if (pause > 0) await sleep(pause);
  }
  throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}; ${show(last)}`);
}
