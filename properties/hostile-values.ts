import fc from 'fast-check';
import type {
  FieldOverride,
  HostileAuth,
  HostileBody,
  HostileContentType,
  HostileFrame,
  HostileId,
  HostilePath,
  HostileRequest,
  HostileValue,
} from '../src/actions/hostile.js';

/**
 * Values for hostile requests and frames. Every list starts with its most
 * ordinary entry, because fast-check shrinks a constant toward the first one:
 * a counterexample keeps a hostile value only if the ordinary one passes.
 */

const json = (...values: unknown[]): Array<{ json: unknown }> => values.map((value) => ({ json: value }));

/** Every JSON type but the right one is among these; which are wrong depends on the field. */
const WRONG_TYPES: HostileValue[] = json(null, 0, -1, 1.5, 2 ** 53, '', 'x', true, false, [], [1, 'a'], [null], {}, { a: 1 }, { name: 'python' });

const BIG: HostileValue[] = [{ long: 10_000 }, { long: 200_000 }, { deep: 64 }, { deep: 1_000 }];

const WEIRD_STRINGS: HostileValue[] = json('🙂', '\u0000', '\ud800', ' ', 'null', '<script>', "'; DROP TABLE tasks; --", 'task-0000000000000000');

/** Values the hub must take as they are, or refuse with the field's name. */
const FIELD_VALUES: Record<string, HostileValue[]> = {
  description: json('a task', 'ü', ''),
  priority: json('normal', 'urgent', 'high', 'low', 'someday', 'URGENT', 'urgent ', 0, 3),
  max_retries: json(3, 0, 1, 100, 101, -1, '3', 2 ** 53),
  complete_by: json(null, 2 ** 53, 0, -1, '2030-01-01', 1.5),
  needed_capabilities: json([], ['python'], [['python']], 'python', [{ name: 'python' }]),
  metadata: json({}, { nested: { a: [1, 2] } }, [], 'meta'),
  agent_id: json('hostile-agent', ''),
  type: json('ping', 'identify', 'task_complete'),
  task_id: [{ ref: 'held-task' }, { ref: 'our-task' }, ...json('task-ffffffffffffffff', '')],
  generation: [{ ref: 'held-generation' }, ...json(0, -1, '1', 1.5, 2 ** 53)],
  result: json({}, { output: 'ok' }, [], 'done', 0),
  tokens_used: json(1, 0, -1, 2 ** 53, '5', 1.5),
  error: json('boom', ''),
  reason: json('boom', ''),
  progress: json(50, -1, 101, '50'),
  token: [{ ref: 'own-token' }, ...json('0'.repeat(64), '', 'Bearer x')],
  capabilities: [{ ref: 'own-capabilities' }, ...json(['python'], 'python', [{ name: 'python' }], [[]])],
  name: json('sim', ''),
  status: json('idle', 'working', 'dead'),
  // Fields the hub must ignore: none may change a task that already exists.
  id: [{ ref: 'our-task' }],
  assigned_to: [{ ref: 'own-id' }],
  retry_count: json(99),
  extra: json('ignored'),
  ['__proto__']: json({ polluted: true }),
};

function valueFor(field: string): fc.Arbitrary<HostileValue> {
  const own = FIELD_VALUES[field] ?? json('x');
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...own) },
    { weight: 4, arbitrary: fc.constantFrom(...WRONG_TYPES) },
    { weight: 1, arbitrary: fc.constantFrom(...WEIRD_STRINGS) },
    { weight: 1, arbitrary: fc.constantFrom(...BIG) },
  );
}

function overridesArb(fields: readonly string[]): fc.Arbitrary<FieldOverride[]> {
  const override = fc
    .constantFrom(...fields)
    .chain((name) =>
      fc.oneof(
        { weight: 6, arbitrary: valueFor(name) },
        { weight: 1, arbitrary: fc.constant<'omit'>('omit') },
      ).map((value): FieldOverride => ({ name, value })),
    );
  return fc.array(override, { minLength: 1, maxLength: 3 });
}

const SUBMIT_FIELDS = ['description', 'priority', 'max_retries', 'complete_by', 'needed_capabilities', 'metadata', 'id', 'assigned_to', 'retry_count', 'extra', '__proto__'];

/** Raw bodies and frames: not JSON, cut short, keys given twice (the second one wins in JSON.parse). */
const RAW_TEXTS = [
  'not json',
  '',
  '{',
  '{"description":',
  '{"description":"a task",}',
  "{'description':'a task'}",
  '{"description":"a task","description":{}}',
  '{"description":"a task","priority":"urgent","priority":7}',
  '[1,2',
  'null',
  '"just a string"',
  '\ufeff{"description":"a task"}',
  'NaN',
];

const TOP_LEVEL: HostileValue[] = [...json(null, [], 5, 'text', true, [{ description: 'a task' }]), { deep: 1_000 }];

function bodyArb(fields: readonly string[]): fc.Arbitrary<HostileBody> {
  return fc.oneof(
    { weight: 12, arbitrary: overridesArb(fields).map((overrides): HostileBody => ({ body: 'fields', overrides })) },
    { weight: 2, arbitrary: fc.constantFrom(...TOP_LEVEL).map((value): HostileBody => ({ body: 'json', value })) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_TEXTS).map((text): HostileBody => ({ body: 'text', text })) },
    { weight: 1, arbitrary: fc.constant<HostileBody>({ body: 'none' }) },
    { weight: 1, arbitrary: fc.constant<HostileBody>({ body: 'invalid-utf8' }) },
    { weight: 1, arbitrary: fc.constantFrom<'at' | 'over'>('over', 'at').map((limit): HostileBody => ({ body: 'sized', limit })) },
  );
}

const contentTypeArb: fc.Arbitrary<HostileContentType> = fc.oneof(
  { weight: 10, arbitrary: fc.constant<HostileContentType>('json') },
  { weight: 2, arbitrary: fc.constantFrom<HostileContentType>('json-charset', 'json-upper', 'vendor-json', 'text-plain', 'form') },
);

const authArb: fc.Arbitrary<HostileAuth> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<HostileAuth>('admin') },
  { weight: 2, arbitrary: fc.constantFrom<HostileAuth>('none', 'unknown-token', 'malformed', 'agent') },
);

/** Ids that are no task's and no agent's: revoking one of them touches nobody. */
const JUNK_IDS: HostileId[] = ['..', '%', 'ü', ' ', 'x'.repeat(3_000), 'task-', '%00', '\u0000'].map((text) => ({ text }));
const TASK_IDS: HostileId[] = [{ id: 'ours' }, { id: 'unknown' }, ...JUNK_IDS];

const QUERIES = ['status=queued', 'status=', 'status=bogus', 'priority=7', 'priority=urgent&priority=low', 'assigned_to=%ZZ', 'status[]=x', '&&&', `status=${'q'.repeat(5_000)}`];

const UNKNOWN_PATHS = ['/api/tasks/', '//api//tasks', '/api/tasks/%E0%A4%A', '/api', '/ws', '/api/tasks/stats/extra', '/../health'];

function getRequest(path: HostilePath): HostileRequest {
  return { method: 'GET', path, body: { body: 'none' }, contentType: 'json', auth: 'admin' };
}

/** A request to one route, every part drawn: mostly the submit and token routes, whose bodies the hub reads. */
export function hostileRequestArb(): fc.Arbitrary<HostileRequest> {
  const withBody = (path: HostilePath, fields: readonly string[], method = 'POST'): fc.Arbitrary<HostileRequest> =>
    fc.record({ method: fc.constant(method), path: fc.constant(path), body: bodyArb(fields), contentType: contentTypeArb, auth: authArb });
  const noBody = (pathArb: fc.Arbitrary<HostilePath>, method = 'GET'): fc.Arbitrary<HostileRequest> =>
    fc.record({
      method: fc.constant(method),
      path: pathArb,
      body: fc.oneof({ weight: 4, arbitrary: fc.constant<HostileBody>({ body: 'none' }) }, bodyArb(['extra'])),
      contentType: contentTypeArb,
      auth: authArb,
    });
  return fc.oneof(
    { weight: 12, arbitrary: withBody({ to: 'tasks' }, SUBMIT_FIELDS) },
    { weight: 2, arbitrary: withBody({ to: 'tokens' }, ['agent_id', 'extra']) },
    { weight: 1, arbitrary: noBody(fc.constantFrom(...QUERIES).map((query): HostilePath => ({ to: 'list', query }))) },
    { weight: 1, arbitrary: noBody(fc.constantFrom(...TASK_IDS).map((id): HostilePath => ({ to: 'task', id }))) },
    { weight: 1, arbitrary: noBody(fc.constantFrom(...TASK_IDS).map((id): HostilePath => ({ to: 'retry', id })), 'POST') },
    { weight: 1, arbitrary: noBody(fc.constantFrom(...JUNK_IDS).map((id): HostilePath => ({ to: 'revoke', id })), 'DELETE') },
    {
      weight: 1,
      arbitrary: noBody(fc.constantFrom<HostilePath>({ to: 'health' }, { to: 'stats' }, { to: 'dead-letter' }, { to: 'agents' }, { to: 'tokens' })),
    },
    { weight: 1, arbitrary: noBody(fc.constantFrom(...UNKNOWN_PATHS).map((path): HostilePath => ({ to: 'unknown', path }))) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'), fc.constantFrom<HostilePath>({ to: 'tasks' }, { to: 'health' }))
        .map(([method, path]) => ({ ...getRequest(path), method })),
    },
    // The reset only ever goes without the admin token: it must be refused, never run.
    {
      weight: 1,
      arbitrary: fc.constantFrom<HostileAuth>('agent', 'none', 'unknown-token').map((auth): HostileRequest => ({ ...getRequest({ to: 'reset' }), method: 'POST', auth })),
    },
  );
}

const TASK_MESSAGE_FIELDS: Record<string, string[]> = {
  task_complete: ['task_id', 'generation', 'result', 'tokens_used', 'extra'],
  task_failed: ['task_id', 'generation', 'error', 'reason', 'extra'],
  task_accepted: ['task_id', 'extra'],
  task_progress: ['task_id', 'progress', 'extra'],
  task_recovering: ['task_id', 'extra'],
  ping: ['extra', 'type'],
};

const IDENTIFY_FIELDS = ['agent_id', 'token', 'capabilities', 'name', 'status', 'extra'];

/** Types no contract names, and types that are not strings. */
const UNKNOWN_TYPES: HostileValue[] = [...json('task_completed', 'TASK_COMPLETE', '', 'identified', 'task_assign', null, 5, {}, []), { long: 10_000 }];

const WS_TEXTS = [...RAW_TEXTS.filter((text) => text !== ''), '5', '[]', '{"type":"ping","type":"task_complete"}', '\ud800'];

function messageArb(types: readonly string[], fields: (type: string) => string[]): fc.Arbitrary<HostileFrame> {
  return fc.constantFrom(...types).chain((type) =>
    overridesArb(fields(type)).map((overrides): HostileFrame => ({ frame: 'message', type: { json: type }, overrides })),
  );
}

/** A frame for the agent's own identified socket: task messages mostly, about the task it holds. */
export function ownSocketFrameArb(): fc.Arbitrary<HostileFrame> {
  return fc.oneof(
    { weight: 12, arbitrary: messageArb(Object.keys(TASK_MESSAGE_FIELDS), (type) => TASK_MESSAGE_FIELDS[type] ?? ['extra']) },
    ...commonFrames(),
  );
}

/** A frame for a socket that never identified: identify itself, mostly. */
export function freshSocketFrameArb(): fc.Arbitrary<HostileFrame> {
  return fc.oneof(
    { weight: 8, arbitrary: messageArb(['identify'], () => IDENTIFY_FIELDS) },
    { weight: 2, arbitrary: messageArb(Object.keys(TASK_MESSAGE_FIELDS), (type) => TASK_MESSAGE_FIELDS[type] ?? ['extra']) },
    ...commonFrames(),
  );
}

function commonFrames(): Array<fc.WeightedArbitrary<HostileFrame>> {
  return [
    { weight: 2, arbitrary: fc.constantFrom(...UNKNOWN_TYPES).map((type): HostileFrame => ({ frame: 'message', type, overrides: [] })) },
    { weight: 2, arbitrary: fc.constantFrom(...WS_TEXTS).map((text): HostileFrame => ({ frame: 'text', text })) },
    { weight: 1, arbitrary: fc.constant<HostileFrame>({ frame: 'binary' }) },
    { weight: 1, arbitrary: fc.constantFrom<'at' | 'over'>('at', 'over').map((limit): HostileFrame => ({ frame: 'sized', limit })) },
  ];
}
