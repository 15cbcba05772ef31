/** Reading JSON frames and bodies without trusting their shape. */
import type { HistoryEvent } from './history.js';

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** The JSON object an agent received in this event, if it is such an event. */
export function receivedFrame(event: HistoryEvent): JsonObject | undefined {
  return event.kind === 'ws_recv' ? asObject(event.payload.frame) : undefined;
}

export function frameType(frame: JsonObject | undefined): string | undefined {
  const type = frame?.type;
  return typeof type === 'string' ? type : undefined;
}

export function stringField(obj: JsonObject | undefined, key: string): string | undefined {
  const value = obj?.[key];
  return typeof value === 'string' ? value : undefined;
}

export function numberField(obj: JsonObject | undefined, key: string): number | undefined {
  const value = obj?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The contract fences only on the equal integer: "1", 1.5 and a missing value never match. */
export function isGeneration(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** Frame types the hub sends only as the answer to one client frame. */
const REPLY_TYPES = new Set(['identified', 'error', 'pong', 'task_ack', 'task_continue', 'task_reassign']);

export function isReply(frame: JsonObject | undefined): boolean {
  const type = frameType(frame);
  return type !== undefined && REPLY_TYPES.has(type);
}

/** The prefix of the error string that rejects each report, naming the operation it answers. */
export const REJECTION_PREFIX: Readonly<Record<string, string>> = {
  task_complete: 'task_complete_failed',
  task_failed: 'task_fail_failed',
  task_accepted: 'task_accept_failed',
};

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  const obj = asObject(value);
  return obj !== undefined && Object.entries(obj).some(([key, v]) => LONE_SURROGATE.test(key) || hasLoneSurrogate(v));
}

/**
 * Whether a hub may answer this text frame `invalid_json`: it did not parse,
 * or it carries a lone surrogate escape, which the JSON grammar allows but a
 * strict parser (the real hub's) refuses.
 */
export function strictParserMayRefuse(payload: { frame?: unknown; raw?: string; binary?: boolean }): boolean {
  if (payload.binary === true) return false;
  return payload.raw !== undefined || hasLoneSurrogate(payload.frame);
}

/** Identify takes plain strings and, in the reference hub, `{name}` objects meaning the name. */
export function capabilityNames(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  const names: string[] = [];
  for (const entry of raw) {
    if (typeof entry === 'string') names.push(entry);
    else {
      const name = stringField(asObject(entry), 'name');
      if (name !== undefined) names.push(name);
    }
  }
  return names;
}

export function includesAll(capabilities: readonly string[], needed: readonly string[]): boolean {
  return needed.every((cap) => capabilities.includes(cap));
}

/** Structural equality of JSON values, key order ignored. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  const oa = asObject(a);
  const ob = asObject(b);
  if (oa === undefined || ob === undefined) return false;
  const keys = Object.keys(oa);
  return keys.length === Object.keys(ob).length && keys.every((k) => k in ob && jsonEqual(oa[k], ob[k]));
}
