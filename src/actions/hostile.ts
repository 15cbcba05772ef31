/**
 * Hostile input as plain data: malformed, mistyped and oversized requests and
 * frames. Big values are kept as size descriptors and expanded only when an
 * action runs, so a counterexample prints small and replays exactly.
 */

/** What a hostile value may point at; resolved when the action runs, because only then is it known. */
export type HostileRef = 'held-task' | 'held-generation' | 'own-id' | 'own-token' | 'own-capabilities' | 'our-task';

export type HostileValue =
  | { json: unknown }
  /** A string of this many `x`. */
  | { long: number }
  /** Arrays nested this deep: `[[[…]]]`. */
  | { deep: number }
  | { ref: HostileRef };

/** One field of a body or frame: replaced by a value, or left out. */
export interface FieldOverride {
  name: string;
  value: HostileValue | 'omit';
}

export type HostileBody =
  | { body: 'none' }
  /** The route's well-formed body with these fields changed. */
  | { body: 'fields'; overrides: FieldOverride[] }
  /** A whole body that is not the route's object (null, a list, a number…). */
  | { body: 'json'; value: HostileValue }
  /** Raw text: not JSON, truncated JSON, duplicate keys. */
  | { body: 'text'; text: string }
  /** Bytes that are not UTF-8. */
  | { body: 'invalid-utf8' }
  /** The route's well-formed body padded to exactly the 1 MiB limit, or one byte over. */
  | { body: 'sized'; limit: 'at' | 'over' };

export type HostilePath =
  | { to: 'tasks' }
  | { to: 'list'; query: string }
  | { to: 'task' | 'retry' | 'revoke'; id: HostileId }
  | { to: 'stats' | 'dead-letter' | 'agents' | 'health' | 'tokens' | 'reset' }
  | { to: 'unknown'; path: string };

/** A path segment: one of our tasks, a well-formed id nobody issued, or literal text. */
export type HostileId = { id: 'ours' | 'unknown' } | { text: string };

export type HostileAuth = 'admin' | 'none' | 'unknown-token' | 'malformed' | 'agent';

export type HostileContentType = 'json' | 'json-charset' | 'json-upper' | 'vendor-json' | 'text-plain' | 'form';

export interface HostileRequest {
  method: string;
  path: HostilePath;
  body: HostileBody;
  contentType: HostileContentType;
  auth: HostileAuth;
}

export type HostileFrame =
  /** A message of this type: its well-formed fields, with these changed. */
  | { frame: 'message'; type: HostileValue; overrides: FieldOverride[] }
  | { frame: 'text'; text: string }
  | { frame: 'binary' }
  /** A ping padded to just under the frame limit, or to one byte over it. */
  | { frame: 'sized'; limit: 'at' | 'over' };

/** The limit of the reference hub and of the contract, for HTTP bodies and WebSocket frames alike. */
export const SIZE_LIMIT_BYTES = 1024 * 1024;
/** How far under the limit an "at the limit" frame stays, so no reader takes it for oversized. */
export const FRAME_MARGIN_BYTES = 2048;

export const CONTENT_TYPES: Readonly<Record<HostileContentType, string>> = {
  json: 'application/json',
  'json-charset': 'application/json; charset=utf-8',
  'json-upper': 'APPLICATION/JSON',
  'vendor-json': 'application/vnd.agentcom+json',
  'text-plain': 'text/plain',
  form: 'application/x-www-form-urlencoded',
};

export function isJsonContentType(type: HostileContentType): boolean {
  return type !== 'text-plain' && type !== 'form';
}

/** Expands a value; `resolve` answers references (or placeholders, for printing). */
export function materialize(value: HostileValue, resolve: (ref: HostileRef) => unknown): unknown {
  if ('json' in value) return value.json;
  if ('long' in value) return 'x'.repeat(value.long);
  if ('deep' in value) {
    let nested: unknown = [];
    for (let i = 1; i < value.deep; i++) nested = [nested];
    return nested;
  }
  return resolve(value.ref);
}

/** The fields with the overrides applied, in order: the base first, extra fields after. */
export function applyOverrides(
  base: Record<string, unknown>,
  overrides: readonly FieldOverride[],
  resolve: (ref: HostileRef) => unknown,
): Record<string, unknown> {
  return withFields(base, overrides, (value) => materialize(value, resolve));
}

/** Own data properties even for names like `__proto__`, which plain assignment would turn into a prototype. */
function withFields(
  base: Record<string, unknown>,
  overrides: readonly FieldOverride[],
  expand: (value: HostileValue) => unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const { name, value } of overrides) {
    if (value === 'omit') delete out[name];
    else Object.defineProperty(out, name, { value: expand(value), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A body padded with a `pad` field so that its JSON text is exactly `bytes` long (ASCII). */
export function padTo(body: Record<string, unknown>, bytes: number): Record<string, unknown> {
  const bare = JSON.stringify({ ...body, pad: '' }).length;
  return { ...body, pad: 'x'.repeat(Math.max(0, bytes - bare)) };
}

export function pathText(path: HostilePath, resolveId: (id: HostileId) => string): string {
  const segment = (id: HostileId): string => encodeURIComponent(resolveId(id));
  switch (path.to) {
    case 'tasks':
      return '/api/tasks';
    case 'list':
      return `/api/tasks?${path.query}`;
    case 'task':
      return `/api/tasks/${segment(path.id)}`;
    case 'retry':
      return `/api/tasks/${segment(path.id)}/retry`;
    case 'revoke':
      return `/admin/tokens/${segment(path.id)}`;
    case 'stats':
      return '/api/tasks/stats';
    case 'dead-letter':
      return '/api/tasks/dead-letter';
    case 'agents':
      return '/api/agents/states';
    case 'health':
      return '/health';
    case 'tokens':
      return '/admin/tokens';
    case 'reset':
      return '/api/admin/reset';
    case 'unknown':
      return path.path;
  }
}

/** The routes whose body the hub reads, and the well-formed body each starts from. */
export function baseBody(path: HostilePath, description: string, capabilities: readonly string[]): Record<string, unknown> | undefined {
  if (path.to === 'tasks') return { description, needed_capabilities: [...capabilities], metadata: { hostile: true } };
  if (path.to === 'tokens') return { agent_id: 'hostile-agent' };
  return undefined;
}

export function baseFrame(type: unknown, resolve: (ref: HostileRef) => unknown): Record<string, unknown> {
  switch (type) {
    case 'identify':
      return { type, agent_id: resolve('own-id'), token: resolve('own-token'), capabilities: resolve('own-capabilities') };
    case 'task_complete':
      return { type, task_id: resolve('held-task'), generation: resolve('held-generation'), result: {}, tokens_used: 1 };
    case 'task_failed':
      return { type, task_id: resolve('held-task'), generation: resolve('held-generation'), error: 'hostile' };
    case 'task_accepted':
    case 'task_progress':
    case 'task_recovering':
      return { type, task_id: resolve('held-task') };
    default:
      return { type };
  }
}

// ---- printing: one line a person can paste ----

/** A big value in printed JSON: a marker string the shell expansion replaces. */
const MARKER = /"@@big(\d+)@@"/g;

/** Shell text that expands to the value a big descriptor stands for, and whether it sits inside JSON quotes. */
function bigShell(value: HostileValue): { shell: string; quoted: boolean } | undefined {
  if ('long' in value) return { shell: `$(head -c ${value.long} /dev/zero | tr '\\0' x)`, quoted: true };
  if ('deep' in value) return { shell: `$(printf '[%.0s' $(seq ${value.deep}))$(printf ']%.0s' $(seq ${value.deep}))`, quoted: false };
  return undefined;
}

const REF_TEXT: Record<HostileRef, string> = {
  'held-task': '<task it holds>',
  'held-generation': '<its generation>',
  'own-id': '<its agent id>',
  'own-token': '<its token>',
  'own-capabilities': '<its capabilities>',
  'our-task': '<one of our tasks>',
};

/**
 * JSON text for printing, as parts: even parts literal text, odd parts shell
 * expansions of big values. References print as `<…>` markers.
 */
function printable(build: (resolve: (ref: HostileRef) => unknown, big: (v: HostileValue) => unknown) => unknown): string[] {
  const bigs: Array<{ shell: string; quoted: boolean }> = [];
  const resolve = (ref: HostileRef): unknown => REF_TEXT[ref];
  const value = build(resolve, (v) => {
    const big = bigShell(v);
    if (big === undefined) return materialize(v, resolve);
    bigs.push(big);
    return `@@big${bigs.length - 1}@@`;
  });
  const text = JSON.stringify(value) ?? 'undefined';
  const parts: string[] = [];
  let literal = '';
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    const big = bigs[Number(match[1])];
    if (big === undefined) continue;
    const quote = big.quoted ? '"' : '';
    parts.push(literal + text.slice(last, match.index) + quote, big.shell);
    literal = quote;
    last = match.index + match[0].length;
  }
  parts.push(literal + text.slice(last));
  return parts;
}


/** Single-quoted for a POSIX shell; expansions (odd parts) are spliced in double quotes. */
function shellQuote(parts: readonly string[]): string {
  return parts.map((part, i) => (i % 2 === 1 ? `"${part}"` : `'${part.replace(/'/g, `'\\''`)}'`)).join('');
}

function bodyParts(request: HostileRequest): string[] | undefined {
  const { body } = request;
  const base = baseBody(request.path, 'hostile', ['<capabilities>']) ?? {};
  switch (body.body) {
    case 'none':
    case 'invalid-utf8':
      return undefined;
    case 'text':
      return [body.text];
    case 'json':
      return printable((_, big) => big(body.value));
    case 'fields':
      return printable((_, big) => withFields(base, body.overrides, big));
    case 'sized': {
      const bytes = SIZE_LIMIT_BYTES + (body.limit === 'at' ? 0 : 1);
      const pad = bytes - JSON.stringify({ ...base, pad: '' }).length;
      return printable((_, big) => ({ ...base, pad: big({ long: pad }) }));
    }
  }
}

const AUTH_HEADER: Record<HostileAuth, string | undefined> = {
  admin: '-H "Authorization: Bearer $AGENTCOM_TOKEN"',
  agent: '-H "Authorization: Bearer $AGENT_TOKEN"',
  none: undefined,
  'unknown-token': `-H 'Authorization: Bearer ${'0'.repeat(64)}'`,
  malformed: `-H 'Authorization: Bearer'`,
};

const ID_TEXT = (id: HostileId): string => ('text' in id ? id.text : id.id === 'ours' ? '<one of our tasks>' : `task-${'f'.repeat(16)}`);

/** The request as one curl line; the token is `$AGENTCOM_TOKEN`, never the real one. */
export function describeHostileRequest(request: HostileRequest): string {
  const path = pathText(request.path, ID_TEXT);
  const words = ['curl -sS', `-X ${request.method}`, `"$AGENTCOM_HUB"${shellQuote([path])}`];
  const auth = AUTH_HEADER[request.auth];
  if (auth !== undefined) words.push(auth);
  const parts = bodyParts(request);
  if (request.body.body !== 'none') words.push(`-H ${shellQuote([`content-type: ${CONTENT_TYPES[request.contentType]}`])}`);
  if (parts !== undefined) words.push(`--data-raw ${shellQuote(parts)}`);
  if (request.body.body === 'invalid-utf8') words.push(`--data-binary "$(printf '{"description":"\\377\\376"}')"`);
  return words.join(' ');
}

/** The frame as it goes on the wire, references in `<…>`, big values as shell expansions. */
export function describeHostileFrame(frame: HostileFrame): string {
  switch (frame.frame) {
    case 'binary':
      return 'a binary frame (bytes 0x00 0xff)';
    case 'sized':
      return frame.limit === 'at' ? 'a ping frame padded to just under 1 MiB' : 'a ping frame padded to 1 MiB + 1 byte';
    case 'text':
      return `the text frame ${JSON.stringify(frame.text)}`;
    case 'message': {
      const parts = printable((resolve, big) => {
        const type = big(frame.type);
        return withFields(baseFrame(type, resolve), frame.overrides, big);
      });
      return `the frame ${parts.join('')}`;
    }
  }
}
