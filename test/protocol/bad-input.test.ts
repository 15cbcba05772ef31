// docs/protocol.md#reference-behaviour, bad input: every bad frame or request
// gets an error reply or a 4xx, the hub keeps serving, and no task is lost
// or changed.
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Json, type RawSocket, HubFixture, ofType, withDeadline } from './support.js';

const MIB = 1024 * 1024;
const anyReply = (f: { type?: string }) => f.type === 'error' || f.type === 'identified' || f.type === 'task_ack';

describe('bad input', () => {
  let h: HubFixture;
  let holder: RawSocket;
  let assigned: string;
  let queued: string;
  let before: Json[];

  beforeEach(async () => {
    h = await HubFixture.start();
    const setup = await h.agentWithTask('holder', { metadata: { keep: true } });
    holder = setup.sock;
    assigned = setup.id;
    queued = await h.submit({ needed_capabilities: ['nobody-has-this'], priority: 'high' });
    before = [await h.task(assigned), await h.task(queued)];
  });

  afterEach(async () => {
    try {
      // The hub still serves, a fresh agent can identify, and no task was lost or changed.
      const health = await h.http('GET', '/health', { token: null });
      expect(health.status).toBe(200);
      expect(health.body.status).toBe('ok');
      const fresh = await h.openAgent('fresh-agent');
      await fresh.sync();
      expect([await h.task(assigned), await h.task(queued)]).toEqual(before);
      expect((await h.http('GET', '/api/tasks')).body.tasks.map((t: { id: string }) => t.id)).toEqual(
        expect.arrayContaining([assigned, queued]),
      );
      holder.send({ type: 'task_complete', task_id: assigned, generation: 1 });
      expect(await holder.next(ofType('task_ack', assigned))).toMatchObject({ status: 'complete' });
    } finally {
      await h.stop();
    }
  });

  describe('HTTP', () => {
    it.each([
      ['/api/tasks', '{"description":'],
      ['/api/tasks', 'description=x'],
      ['/api/tasks', ''],
      ['/admin/tokens', '{agent_id: x}'],
    ])('unparsable JSON to POST %s is 400 {"error":"invalid_json"}', async (path, raw) => {
      const res = await h.http('POST', path, { raw });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_json' });
    });

    it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
      'content type %s is 415',
      async (contentType) => {
        const res = await h.http('POST', '/api/tasks', { raw: '{"description":"x"}', contentType });
        expect(res.status).toBe(415);
        expect(res.body).toMatchObject({ error: expect.any(String) });
      },
    );

    it('application/json with a charset is accepted', async () => {
      const res = await h.http('POST', '/api/tasks', {
        raw: '{"description":"x"}',
        contentType: 'application/json; charset=utf-8',
      });
      expect(res.status).toBe(201);
    });

    it.each(['/api/tasks', '/admin/tokens'])('a body over 1 MiB to POST %s is 413', async (path) => {
      const raw = JSON.stringify({ description: 'x'.repeat(MIB + 10), agent_id: 'x' });
      const res = await h.http('POST', path, { raw });
      expect(res.status).toBe(413);
    });

    it('a body just under 1 MiB is accepted', async () => {
      const json = { description: 'x'.repeat(MIB - 100) };
      const res = await h.http('POST', '/api/tasks', { json });
      expect(res.status).toBe(201);
    });

    it.each([
      ['description', 123],
      ['metadata', 'not-an-object'],
      ['needed_capabilities', 'gpu'],
      ['max_retries', 'many'],
      ['complete_by', 'tomorrow'],
      ['priority', ['high']],
    ])('a wrong JSON type for %s is 400 invalid_field', async (field, value) => {
      const res = await h.http('POST', '/api/tasks', { json: { description: 'x', [field]: value } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_field', field });
    });

    it('unknown fields in a submit get no 5xx', async () => {
      const res = await h.http('POST', '/api/tasks', { json: { description: 'x', bogus: { deep: [1] }, id: 'task-x' } });
      expect(res.status).toBeLessThan(500);
      if (res.status === 201) expect(res.body.task_id).not.toBe('task-x');
    });

    it('a request that is not HTTP gets 400 with a JSON body', async () => {
      const socket = connect(h.hub.port, '127.0.0.1');
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.on('error', () => undefined);
      socket.write('HELLO THERE\r\n\r\n');
      try {
        await withDeadline(ended, 2_000, 'the hub did not answer and close');
      } finally {
        socket.destroy();
      }
      expect(text).toMatch(/^HTTP\/1\.1 400 /);
      expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: expect.any(String) });
    });

    it.each([
      ['GET', '/api/tasks/%00'],
      ['GET', `/api/tasks/${'a'.repeat(4000)}`],
      ['POST', '/api/tasks/..%2F..%2Fetc/retry'],
      ['GET', '/api/tasks?status=%ZZ&priority[]=1'],
      ['DELETE', '/admin/tokens/%E0%A4%A'],
      ['TRACE', '/api/tasks'],
      ['OPTIONS', '/ws'],
    ])('%s %s answers below 500', async (method, path) => {
      const res = await h.http(method, path);
      expect(res.status).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(500);
    });
  });

  describe('WebSocket', () => {
    it('text that is not JSON is invalid_json', async () => {
      const sock = await h.openAgent('bad');
      for (const raw of ['nope', '{"type":', '\u0000', '']) {
        sock.sendRaw(raw);
        expect(await sock.next(anyReply)).toEqual({ type: 'error', error: 'invalid_json' });
      }
    });

    it.each([
      ['task_id a number', { type: 'task_complete', task_id: 123, generation: 1 }],
      ['task_id null', { type: 'task_accepted', task_id: null }],
      ['task_id an object', { type: 'task_failed', task_id: { id: 'x' }, generation: 1 }],
      ['type a number', { type: 5, task_id: 'x' }],
    ])('%s gets an error reply', async (_, frame) => {
      const sock = await h.openAgent('bad');
      sock.send(frame);
      expect((await sock.next(anyReply)).type).toBe('error');
    });

    it.each([
      ['generation a string', { generation: '1' }],
      ['generation null', { generation: null }],
      ['generation an array', { generation: [1] }],
      ['generation a bool', { generation: true }],
    ])('%s from the assignee is stale_generation', async (_, extra) => {
      holder.send({ type: 'task_complete', task_id: assigned, ...extra });
      expect(await holder.next(anyReply)).toEqual({ type: 'error', error: 'task_complete_failed: stale_generation' });
      holder.send({ type: 'task_failed', task_id: assigned, ...extra });
      expect(await holder.next(anyReply)).toEqual({ type: 'error', error: 'task_fail_failed: stale_generation' });
    });

    it('odd field types on messages from a non-assignee change nothing', async () => {
      const sock = await h.openAgent('bad');
      sock.send({ type: 'task_failed', task_id: assigned, generation: 1, error: { nested: true } });
      expect(await sock.next(anyReply)).toEqual({ type: 'error', error: 'task_fail_failed: not_assignee' });
      sock.send({ type: 'task_progress', task_id: assigned, progress: 'lots' });
      sock.send({ type: 'task_recovering', task_id: assigned, extra: [1] });
      expect(await sock.next(ofType('task_reassign', assigned))).toBeTruthy();
    });

    it.each([
      ['capabilities a string', 'gpu'],
      ['capabilities a number', 5],
      ['capabilities an object', { gpu: true }],
      ['capabilities with a number inside', ['gpu', 7]],
    ])('identify with %s gets an answer and the socket stays usable', async (_, capabilities) => {
      const token = await h.mint('odd');
      const sock = await h.connect();
      sock.send({ type: 'identify', agent_id: 'odd', token, capabilities });
      const reply = await sock.next(anyReply);
      expect(['identified', 'error']).toContain(reply.type);
      sock.send({ type: 'ping' });
      expect(await sock.next((f) => f.type === 'pong' || f.type === 'error')).toBeTruthy();
    });

    it.each([
      ['agent_id a number', { agent_id: 5 }],
      ['agent_id an object', { agent_id: { id: 'x' } }],
      ['token a number', { agent_id: 'odd', token: 5 }],
      ['no token', { agent_id: 'odd', token: undefined }],
    ])('identify with %s is an error and leaves the socket unidentified', async (_, extra) => {
      const token = await h.mint('odd');
      const sock = await h.connect();
      sock.send({ type: 'identify', token, ...extra });
      expect((await sock.next(anyReply)).type).toBe('error');
      sock.send({ type: 'ping' });
      expect(await sock.next(anyReply)).toEqual({ type: 'error', error: 'not_identified' });
    });

    it('a frame over 1 MiB closes the socket with 1009', async () => {
      const sock = await h.openAgent('bad');
      sock.send({ type: 'ping', pad: 'x'.repeat(MIB + 10) });
      expect((await sock.waitClosed(5_000)).code).toBe(1009);
    });

    it('a frame just under 1 MiB is handled', async () => {
      const sock = await h.openAgent('bad');
      sock.send({ type: 'bogus', pad: 'x'.repeat(MIB - 100) });
      expect(await sock.next(anyReply)).toEqual({ type: 'error', error: 'unknown_message_type' });
    });

    it('a binary frame closes the socket with 1003', async () => {
      const sock = await h.openAgent('bad');
      sock.sendRaw(Buffer.from('{"type":"ping"}'), true);
      expect((await sock.waitClosed()).code).toBe(1003);
    });
  });
});
