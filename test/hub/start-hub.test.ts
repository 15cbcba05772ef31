import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import WebSocket from 'ws';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startHub as startRealHub } from '../../src/hub/index.js';
import type { HubHandle, HubOptions } from '../../src/hub/types.js';

const WAIT_MS = 2_000;
const dispatcher = new Agent();
afterAll(() => dispatcher.close());

/** Everything a test opened, closed after it even when it failed. */
const opened: Array<{ dispose(): Promise<void> }> = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.dispose();
});

async function startHub(options?: HubOptions): Promise<HubHandle> {
  const hub = await startRealHub(options);
  opened.push({ dispose: () => hub.stop() });
  return hub;
}

function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), WAIT_MS);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function http(hub: HubHandle, method: string, path: string, json?: unknown): Promise<{ status: number; body: any }> {
  const res = await request(`${hub.url}${path}`, {
    method: method as 'GET',
    dispatcher,
    headers: { authorization: `Bearer ${hub.adminToken}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    body: json === undefined ? undefined : JSON.stringify(json),
    headersTimeout: WAIT_MS,
    bodyTimeout: WAIT_MS,
  });
  return { status: res.statusCode, body: await res.body.json() };
}

/** A WebSocket client that queues the frames it receives. */
class Client {
  readonly frames: any[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<{ code: number }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)));
      for (const wake of this.waiters.splice(0)) wake();
    });
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve({ code })));
  }

  static async open(hub: HubHandle): Promise<Client> {
    const client = new Client(new WebSocket(hub.wsUrl));
    opened.push(client);
    await withDeadline(new Promise((resolve, reject) => client.ws.once('open', resolve).once('error', reject)), 'open');
    return client;
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  async next(type: string): Promise<any> {
    return withDeadline(
      (async () => {
        for (;;) {
          const index = this.frames.findIndex((frame) => frame.type === type);
          if (index >= 0) return this.frames.splice(index, 1)[0];
          await new Promise<void>((wake) => this.waiters.push(wake));
        }
      })(),
      `frame ${type}`,
    );
  }

  async dispose(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.terminate();
    await withDeadline(this.closed, 'client close');
  }
}

async function agent(hub: HubHandle, agentId: string): Promise<Client> {
  const { body } = await http(hub, 'POST', '/admin/tokens', { agent_id: agentId });
  const client = await Client.open(hub);
  client.send({ type: 'identify', agent_id: agentId, token: body.token });
  await client.next('identified');
  return client;
}

describe('startHub', () => {
  it('serves on loopback with a fresh temp data dir that stop() removes', async () => {
    const hub = await startHub();
    expect(hub.url).toBe(`http://127.0.0.1:${hub.port}`);
    expect(hub.wsUrl).toBe(`ws://127.0.0.1:${hub.port}/ws`);
    expect(hub.adminToken).toMatch(/^[0-9a-f]{64}$/);
    expect(hub.dataDir.startsWith(join(tmpdir(), 'agentcom-hub-'))).toBe(true);
    expect(await http(hub, 'GET', '/health')).toEqual({
      status: 200,
      body: { status: 'ok', service: 'agent_com', agents_connected: 0 },
    });
    await hub.stop();
    expect(existsSync(hub.dataDir)).toBe(false);
  });

  it('runs identify, submit, assign, complete over real sockets', async () => {
    const hub = await startHub();
    const worker = await agent(hub, 'w1');
    const submitted = await http(hub, 'POST', '/api/tasks', { description: 'job', priority: 'urgent' });
    expect(submitted).toMatchObject({ status: 201, body: { status: 'queued', priority: 0 } });
    const assign = await worker.next('task_assign');
    expect(assign).toMatchObject({ task_id: submitted.body.task_id, generation: 1, description: 'job' });
    worker.send({ type: 'task_complete', task_id: assign.task_id, generation: 1, result: { ok: true } });
    expect(await worker.next('task_ack')).toMatchObject({ status: 'complete' });
    expect((await http(hub, 'GET', `/api/tasks/${assign.task_id}`)).body).toMatchObject({ status: 'completed', result: { ok: true } });
    await hub.stop();
    expect((await worker.closed).code).toBe(1001);
  });

  it('restarts on the same port and data dir, keeping tasks and the admin token', async () => {
    const hub = await startHub({ timers: { acceptanceMs: 60_000 } });
    const worker = await agent(hub, 'w1');
    const held = (await http(hub, 'POST', '/api/tasks', { description: 'held' })).body.task_id;
    await worker.next('task_assign');
    const queued = (await http(hub, 'POST', '/api/tasks', { description: 'kept' })).body.task_id;
    const { adminToken, port } = hub;
    await hub.restart();
    expect((await worker.closed).code).toBe(1001);
    expect([hub.adminToken, hub.port]).toEqual([adminToken, port]);
    const after = await http(hub, 'GET', '/api/tasks');
    expect(after.body.tasks.map((task: any) => [task.id, task.status, task.generation])).toEqual([
      [held, 'queued', 2],
      [queued, 'queued', 0],
    ]);
    await hub.stop();
  });

  it('crash restart destroys sockets without a close frame and keeps what was acknowledged', async () => {
    const hub = await startHub();
    const worker = await agent(hub, 'w1');
    const taskId = (await http(hub, 'POST', '/api/tasks', { description: 'durable' })).body.task_id;
    await worker.next('task_assign');
    await hub.restart({ crash: true });
    expect((await worker.closed).code).toBe(1006);
    expect((await http(hub, 'GET', `/api/tasks/${taskId}`)).body).toMatchObject({ status: 'queued', generation: 2 });
    const again = await agent(hub, 'w1');
    expect(await again.next('task_assign')).toMatchObject({ task_id: taskId, generation: 3 });
    await again.dispose();
    await hub.stop();
  });

  it('with ack-before-persist, a crash right after an acknowledged submit loses the task', async () => {
    const hub = await startHub({ faults: ['ack-before-persist'] });
    const taskId = (await http(hub, 'POST', '/api/tasks', { description: 'lost' })).body.task_id;
    await hub.restart({ crash: true });
    expect((await http(hub, 'GET', `/api/tasks/${taskId}`)).status).toBe(404);
    await hub.stop();
  });

  it('keeps a data dir it was given', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'given-'));
    const hub = await startHub({ dataDir });
    await hub.stop();
    expect(await readdir(dataDir)).toEqual(['hub.log']);
    await rm(dataDir, { recursive: true });
  });

  it('refuses non-loopback hosts, unknown faults and bad timers, leaving no temp dir behind', async () => {
    await expect(startHub({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
    await expect(startHub({ faults: ['nope'] })).rejects.toThrow(/unknown fault "nope"/);
    await expect(startHub({ timers: { wsIdleMs: 0 } })).rejects.toThrow(/wsIdleMs/);
    expect((await readdir(tmpdir())).filter((name) => name.startsWith('agentcom-hub-'))).toEqual([]);
  });

  it('reports a port in use and cleans up', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await expect(startHub({ port })).rejects.toThrow(/EADDRINUSE/);
    await new Promise((resolve) => blocker.close(resolve));
    expect((await readdir(tmpdir())).filter((name) => name.startsWith('agentcom-hub-'))).toEqual([]);
  });
});
