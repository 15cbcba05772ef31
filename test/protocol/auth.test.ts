// docs/protocol.md#auth: bearer tokens, 64 lowercase hex, one agent_id each.
import { describe, expect, it } from 'vitest';
import { isToken, useHub } from './support.js';

const UNAUTHORIZED = { error: 'unauthorized', hint: 'provide Authorization: Bearer <token>' };

const AUTH_ROUTES: Array<[string, string]> = [
  ['POST', '/api/tasks'],
  ['GET', '/api/tasks'],
  ['GET', '/api/tasks/task-0000000000000000'],
  ['GET', '/api/tasks/stats'],
  ['GET', '/api/tasks/dead-letter'],
  ['POST', '/api/tasks/task-0000000000000000/retry'],
  ['POST', '/admin/tokens'],
  ['GET', '/admin/tokens'],
  ['DELETE', '/admin/tokens/someone'],
  ['GET', '/api/agents/states'],
  ['POST', '/api/admin/reset'],
];

describe('auth', () => {
  const h = useHub();

  it('the admin token and minted tokens are 64 lowercase hex characters', async () => {
    expect(isToken(h.adminToken), 'admin token is 64 lowercase hex').toBe(true);
    const a = await h.mint('agent-a');
    const b = await h.mint('agent-a');
    expect(isToken(a) && isToken(b), 'minted tokens are 64 lowercase hex').toBe(true);
    expect(a === b, 'two mints give two tokens').toBe(false);
  });

  it.each(AUTH_ROUTES)('%s %s without a token is 401 with the hint', async (method, path) => {
    const res = await h.http(method, path, { token: null, json: method === 'GET' ? undefined : {} });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNAUTHORIZED);
  });

  it('an unknown token, a malformed header and a non-bearer scheme are 401', async () => {
    const unknown = 'a'.repeat(64);
    for (const headers of [
      { authorization: `Bearer ${unknown}` },
      { authorization: 'Bearer' },
      { authorization: `Basic ${Buffer.from('admin:x').toString('base64')}` },
      { authorization: h.adminToken },
    ]) {
      const res = await h.http('GET', '/api/tasks', { token: null, headers });
      expect(res.status, headers.authorization.slice(0, 6)).toBe(401);
      expect(res.body).toEqual(UNAUTHORIZED);
    }
  });

  it('GET /health needs no token', async () => {
    const res = await h.http('GET', '/health', { token: null });
    expect(res.status).toBe(200);
  });

  it('any valid token may call every authenticated route but the admin reset', async () => {
    const token = await h.mint('plain-agent');
    const submit = await h.http('POST', '/api/tasks', { token, json: { description: 'x' } });
    expect(submit.status).toBe(201);
    expect((await h.http('GET', '/api/tasks', { token })).status).toBe(200);
    expect((await h.http('GET', '/api/tasks/stats', { token })).status).toBe(200);
    expect((await h.http('GET', '/api/tasks/dead-letter', { token })).status).toBe(200);
    expect((await h.http('GET', '/api/agents/states', { token })).status).toBe(200);
    expect((await h.http('GET', '/admin/tokens', { token })).status).toBe(200);
    const minted = await h.http('POST', '/admin/tokens', { token, json: { agent_id: 'other' } });
    expect(minted.status).toBe(201);
    expect((await h.http('POST', '/api/admin/reset', { token })).status).toBe(403);
  });

  it('a submitted task records the token owner as submitted_by', async () => {
    const token = await h.mint('submitter');
    const id = await h.submit({}, token);
    expect((await h.task(id)).submitted_by).toBe('submitter');
  });

  it('a revoked token is refused afterwards, on HTTP and on the socket', async () => {
    const token = await h.mint('gone');
    expect((await h.http('GET', '/api/tasks', { token })).status).toBe(200);
    expect((await h.http('DELETE', '/admin/tokens/gone')).status).toBe(200);
    const res = await h.http('GET', '/api/tasks', { token });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNAUTHORIZED);
    const sock = await h.connect();
    sock.send({ type: 'identify', agent_id: 'gone', token });
    expect(await sock.next((f) => f.type === 'error' || f.type === 'identified')).toEqual({
      type: 'error',
      error: 'invalid_token',
    });
  });
});
