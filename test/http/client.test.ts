import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHubClient, type HubClient } from '../../src/http/client.js';
import { HubHttpError, HubUnreachableError } from '../../src/http/errors.js';
import { HistoryRecorder } from '../../src/history/recorder.js';
import { waitFor } from '../../src/testing/wait-for.js';

const TOKEN = 'cd'.repeat(32);

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  contentType?: string;
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const json =
  (status: number, body: unknown): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

let server: Server;
let baseUrl: string;
let handler: Handler;
let seen: Seen[];
const clients: HubClient[] = [];

function client(options: Partial<Parameters<typeof createHubClient>[0]> = {}): HubClient {
  const made = createHubClient({ baseUrl, token: TOKEN, ...options });
  clients.push(made);
  return made;
}

beforeAll(async () => {
  seen = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((made) => made.close()));
  server.closeAllConnections();
  seen = [];
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
});

describe('routes', () => {
  it.each([
    ['health', (c: HubClient) => c.health(), 'GET', '/health', ''],
    ['submitTask', (c: HubClient) => c.submitTask({ description: 'x', priority: 'urgent' }), 'POST', '/api/tasks', '{"description":"x","priority":"urgent"}'],
    ['getTask', (c: HubClient) => c.getTask('task-1/2'), 'GET', '/api/tasks/task-1%2F2', ''],
    ['listTasks', (c: HubClient) => c.listTasks({ status: 'queued', assigned_to: 'a b' }), 'GET', '/api/tasks?status=queued&assigned_to=a+b', ''],
    ['listTasks without filter', (c: HubClient) => c.listTasks(), 'GET', '/api/tasks', ''],
    ['stats', (c: HubClient) => c.stats(), 'GET', '/api/tasks/stats', ''],
    ['deadLetter', (c: HubClient) => c.deadLetter(), 'GET', '/api/tasks/dead-letter', ''],
    ['retryTask', (c: HubClient) => c.retryTask('task-9'), 'POST', '/api/tasks/task-9/retry', ''],
    ['mintToken', (c: HubClient) => c.mintToken('agent-1'), 'POST', '/admin/tokens', '{"agent_id":"agent-1"}'],
    ['listTokens', (c: HubClient) => c.listTokens(), 'GET', '/admin/tokens', ''],
    ['revokeToken', (c: HubClient) => c.revokeToken('agent-1'), 'DELETE', '/admin/tokens/agent-1', ''],
    ['agentStates', (c: HubClient) => c.agentStates(), 'GET', '/api/agents/states', ''],
    ['adminReset', (c: HubClient) => c.adminReset(), 'POST', '/api/admin/reset', ''],
  ] as const)('%s sends %s %s with the bearer token', async (_name, call, method, url, body) => {
    handler = json(200, { answer: 42 });
    expect(await call(client())).toEqual({ answer: 42 });
    expect(seen).toEqual([
      { method, url, authorization: `Bearer ${TOKEN}`, contentType: body === '' ? undefined : 'application/json', body },
    ]);
  });
});

describe('errors', () => {
  it('a non-2xx answer throws HubHttpError with method, path, status and body, without the token', async () => {
    handler = json(404, { error: 'task_not_found', task_id: 'task-x' });
    const err = await client()
      .getTask('task-x')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubHttpError);
    expect(err).toMatchObject({ method: 'GET', path: '/api/tasks/task-x', status: 404, body: { error: 'task_not_found', task_id: 'task-x' } });
    expect((err as Error).message).toBe('GET /api/tasks/task-x answered 404: {"error":"task_not_found","task_id":"task-x"}');
  });

  it('a token in an error body is redacted from the message', async () => {
    handler = json(500, { echoed: TOKEN });
    const err = (await client()
      .health()
      .catch((e: unknown) => e)) as HubHttpError;
    expect(err.message).not.toContain(TOKEN);
    expect(err.message).toContain(`redacted:${TOKEN.slice(0, 8)}`);
  });

  it('an answer that is not JSON comes back as text', async () => {
    handler = (_req, res) => res.writeHead(400).end('nope');
    await expect(client().health()).rejects.toMatchObject({ status: 400, body: 'nope' });
  });

  it('a hub that never answers fails within the deadline', async () => {
    handler = () => undefined;
    const recorder = new HistoryRecorder();
    const started = Date.now();
    const err = await client({ timeoutMs: 150, recorder })
      .stats()
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err).toBeInstanceOf(HubUnreachableError);
    expect(err).toMatchObject({ method: 'GET', path: '/api/tasks/stats', timedOut: true, message: 'GET /api/tasks/stats: no answer within 150 ms' });
    expect(recorder.snapshot()[0]?.payload).toMatchObject({ status: null, error: 'no answer within 150 ms' });
  });

  it('a refused connection throws HubUnreachableError and is recorded with status null', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const recorder = new HistoryRecorder();
    const refused = client({ baseUrl: `http://127.0.0.1:${port}`, recorder });
    const err = await refused.health().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubUnreachableError);
    expect(err).toMatchObject({ timedOut: false, reason: expect.stringContaining('ECONNREFUSED') });
    expect(recorder.snapshot()[0]?.payload).toMatchObject({ status: null, error: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('raw', () => {
  it('returns every status, sends a raw body as is, and can go without a token', async () => {
    handler = json(415, { error: 'unsupported_media_type' });
    const answer = await client().raw('POST', '/api/tasks', { rawBody: 'desc=x', headers: { 'Content-Type': 'text/plain' }, token: null });
    expect(answer).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
    expect(seen[0]).toEqual({ method: 'POST', url: '/api/tasks', authorization: undefined, contentType: 'text/plain', body: 'desc=x' });
  });

  it('can use another token', async () => {
    handler = json(200, {});
    await client().raw('GET', '/api/tasks', { token: 'other' });
    expect(seen[0]?.authorization).toBe('Bearer other');
  });
});

describe('recording', () => {
  it('records one http event per exchange with actor, body, sentAt, status and parsed answer, tokens redacted', async () => {
    const recorder = new HistoryRecorder();
    handler = json(201, { agent_id: 'agent-1', token: TOKEN });
    await client({ recorder, actor: 'agent-9' }).mintToken('agent-1');
    handler = (_req, res) => res.writeHead(200).end('plain');
    await client({ recorder }).raw('POST', '/x', { rawBody: 'y'.repeat(5_000) });
    const [first, second] = recorder.snapshot();
    expect(first).toMatchObject({
      actor: 'agent-9',
      kind: 'http',
      payload: { id: 1, method: 'POST', path: '/admin/tokens', body: { agent_id: 'agent-1' }, status: 201, response: { agent_id: 'agent-1', token: `redacted:${TOKEN.slice(0, 8)}` } },
    });
    expect(first?.payload).toHaveProperty('sentAt');
    expect((first?.payload as { sentAt: number }).sentAt).toBeLessThanOrEqual(first?.t ?? 0);
    expect(second).toMatchObject({ actor: 'http', payload: { id: 2, status: 200, response: 'plain', body: { truncated: true, chars: 5_000 } } });
    expect(JSON.stringify(recorder.snapshot())).not.toContain(TOKEN);
  });
});

describe('close', () => {
  it('leaves no socket behind and can be called twice', async () => {
    handler = json(200, {});
    const made = createHubClient({ baseUrl, token: TOKEN });
    await Promise.all([made.health(), made.health(), made.stats()]);
    const open = (): Promise<number> => new Promise((resolve) => server.getConnections((_err, n) => resolve(n)));
    expect(await open()).toBeGreaterThan(0);
    await made.close();
    await made.close();
    await waitFor(open, { timeoutMs: 1_000, what: 'the stub server to have no connection left', until: (n) => n === 0 });
  });
});
