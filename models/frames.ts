/** Reading JSON frames and bodies without trusting their shape. */

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
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
