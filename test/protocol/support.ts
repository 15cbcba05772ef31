/**
 * Raw clients for the protocol conformance suite (docs/protocol.md): plain `ws` sockets and
 * undici requests, so the suite does not lean on the project's own client code.
 *
 * A `HubFixture` owns one hub plus every socket and HTTP connection opened
 * through it, and `stop()` closes all of them. `useHub()` gives each test of a
 * file a fresh hub. Every wait has a deadline.
 */
import { Agent, request } from 'undici';
import WebSocket from 'ws';
import { afterEach, beforeEach, expect } from 'vitest';
import { startHub } from '../../src/hub/index.js';
import type { HubHandle, HubOptions } from '../../src/hub/types.js';

/** Parsed JSON from the hub. Tests read fields freely; the assertions check them. */
export type Json = any;

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON, or undefined when it did not parse. */
  body: Json;
  text: string;
}

export interface HttpOptions {
  /** Bearer token; `null` sends no Authorization header. Default: the admin token. */
  token?: string | null;
  /** Sent as JSON with `content-type: application/json`. */
  json?: unknown;
  /** Sent as is, with `contentType` (default application/json). */
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export const DEFAULT_WAIT_MS = 2_000;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retry `check` until it stops throwing; rethrow its last error after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = DEFAULT_WAIT_MS, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await sleep(everyMs);
    }
  }
}

export type Frame = Json;
export type FramePredicate = (frame: Frame) => boolean;

export const ofType =
  (type: string, taskId?: string): FramePredicate =>
  (f) =>
    f?.type === type && (taskId === undefined || f.task_id === taskId);

export const errorFrame =
  (error: string): FramePredicate =>
  (f) =>
    f?.type === 'error' && f.error === error;

export interface CloseInfo {
  code: number;
  reason: string;
}

/** One raw WebSocket: records every text frame and hands them out with `next`. */
export class RawSocket {
  readonly frames: Frame[] = [];
  private readonly taken = new Set<number>();
  private readonly waiters = new Set<() => void>();
  readonly closed: Promise<CloseInfo>;
  closeInfo: CloseInfo | undefined;

  constructor(readonly ws: WebSocket) {
    ws.on('error', () => {
      /* the close event follows and carries what the tests check */
    });
    ws.on('message', (data, isBinary) => {
      const text = data.toString();
      let frame: Frame;
      try {
        frame = isBinary ? { binary: true } : JSON.parse(text);
      } catch {
        frame = { unparsed: text };
      }
      this.frames.push(frame);
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        this.wake();
        resolve(this.closeInfo);
      });
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** The first frame not yet taken that matches; waits up to `timeoutMs`. */
  async next(pred: FramePredicate, timeoutMs = DEFAULT_WAIT_MS): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex((f, idx) => !this.taken.has(idx) && pred(f));
      if (i >= 0) {
        this.taken.add(i);
        return this.frames[i];
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.closeInfo) {
        const why = this.closeInfo ? `socket closed (${this.closeInfo.code})` : `${timeoutMs} ms passed`;
        throw new Error(`no matching frame: ${why}; received ${JSON.stringify(this.frames).slice(0, 1500)}`);
      }
      await this.waitForFrame(left);
    }
  }

  /** Frames not yet taken that match (does not take them). */
  pending(pred: FramePredicate = () => true): Frame[] {
    return this.frames.filter((f, idx) => !this.taken.has(idx) && pred(f));
  }

  /** Send a ping and wait for its pong: every frame sent before it has been handled. */
  async sync(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    this.send({ type: 'ping' });
    await this.next(ofType('pong'), timeoutMs);
  }

  async waitClosed(timeoutMs = DEFAULT_WAIT_MS): Promise<CloseInfo> {
    return withDeadline(this.closed, timeoutMs, 'socket did not close');
  }

  /** Close with a close frame and wait until it is closed. */
  async close(): Promise<CloseInfo> {
    if (!this.closeInfo) this.ws.close(1000);
    return this.waitClosed().catch(() => this.kill());
  }

  /** Destroy the TCP socket without a close frame. */
  async kill(): Promise<CloseInfo> {
    if (!this.closeInfo) this.ws.terminate();
    return this.waitClosed();
  }

  private waitForFrame(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** One hub and everything the test opened against it. */
export class HubFixture {
  private handle: HubHandle | undefined;
  private dispatcher = new Agent({ connections: 8 });
  private readonly sockets = new Set<RawSocket>();

  static async start(options: HubOptions = {}): Promise<HubFixture> {
    const fx = new HubFixture();
    fx.handle = await startHub(options);
    return fx;
  }

  get hub(): HubHandle {
    if (!this.handle) throw new Error('hub not started');
    return this.handle;
  }

  get adminToken(): string {
    return this.hub.adminToken;
  }

  async http(method: string, path: string, opts: HttpOptions = {}): Promise<HttpReply> {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? this.adminToken : opts.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | Buffer | undefined;
    if (opts.json !== undefined) body = JSON.stringify(opts.json);
    if (opts.raw !== undefined) body = opts.raw;
    if (body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    const res = await request(this.hub.url + path, {
      method: method as 'GET',
      headers,
      body,
      dispatcher: this.dispatcher,
      headersTimeout: 5_000,
      bodyTimeout: 5_000,
    });
    const text = await res.body.text();
    let parsed: Json;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body: parsed, text };
  }

  /** Submit a task (as admin unless `token` is given); asserts 201 and returns its id. */
  async submit(task: Record<string, unknown> = {}, token?: string): Promise<string> {
    const res = await this.http('POST', '/api/tasks', { json: { description: 'work', ...task }, token });
    expect(res.status, res.text).toBe(201);
    return res.body.task_id as string;
  }

  /** GET /api/tasks/:id; asserts 200. */
  async task(id: string): Promise<Json> {
    const res = await this.http('GET', `/api/tasks/${id}`);
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  /** Mint a token for `agentId` through POST /admin/tokens. */
  async mint(agentId: string): Promise<string> {
    const res = await this.http('POST', '/admin/tokens', { json: { agent_id: agentId } });
    expect(res.status, res.text).toBe(201);
    return res.body.token as string;
  }

  async agentStates(): Promise<Json[]> {
    const res = await this.http('GET', '/api/agents/states');
    expect(res.status, res.text).toBe(200);
    return res.body.agents as Json[];
  }

  /** Open an unidentified socket on /ws. */
  async connect(): Promise<RawSocket> {
    const ws = new WebSocket(this.hub.wsUrl);
    const sock = new RawSocket(ws);
    this.sockets.add(sock);
    const opened = new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('close', (code) => reject(new Error(`socket closed before open (${code})`)));
    });
    await withDeadline(opened, DEFAULT_WAIT_MS, 'socket did not open');
    return sock;
  }

  /** Mint a token (unless given), connect and identify; waits for `identified`. */
  async openAgent(
    agentId: string,
    capabilities: unknown[] = [],
    opts: { token?: string } = {},
  ): Promise<RawSocket> {
    const token = opts.token ?? (await this.mint(agentId));
    const sock = await this.connect();
    sock.send({ type: 'identify', agent_id: agentId, token, capabilities });
    const reply = await sock.next((f) => f?.type === 'identified' || f?.type === 'error');
    expect(reply).toEqual({ type: 'identified', agent_id: agentId });
    return sock;
  }

  /** Open an agent, submit one task and wait until it is pushed to that agent. */
  async agentWithTask(
    agentId: string,
    task: Record<string, unknown> = {},
    capabilities: unknown[] = [],
  ): Promise<{ sock: RawSocket; id: string; assign: Frame }> {
    const sock = await this.openAgent(agentId, capabilities);
    const id = await this.submit(task);
    const assign = await sock.next(ofType('task_assign', id));
    return { sock, id, assign };
  }

  /** Restart the hub; sockets opened before are gone, HTTP connections are opened afresh. */
  async restart(options?: { crash?: boolean }): Promise<void> {
    await this.hub.restart(options);
    await this.closeSockets();
    await this.dispatcher.close();
    this.dispatcher = new Agent({ connections: 8 });
  }

  async closeSockets(): Promise<void> {
    await Promise.all([...this.sockets].map((s) => s.kill().catch(() => undefined)));
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    await this.closeSockets();
    await this.dispatcher.close();
    if (this.handle) await this.handle.stop();
    this.handle = undefined;
  }
}

/** A fresh hub for every test of the calling file; the returned fixture is valid inside tests. */
export function useHub(options: HubOptions = {}): HubFixture {
  const proxy = {} as { current?: HubFixture };
  beforeEach(async () => {
    proxy.current = await HubFixture.start(options);
  });
  afterEach(async () => {
    await proxy.current?.stop();
    proxy.current = undefined;
  });
  return new Proxy({} as HubFixture, {
    get(_, prop) {
      if (!proxy.current) throw new Error('useHub fixture used outside a test');
      const value = Reflect.get(proxy.current, prop, proxy.current);
      return typeof value === 'function' ? value.bind(proxy.current) : value;
    },
  });
}

/** Run `body` against a hub of its own, stopped afterwards even when the body throws. */
export async function withHub<T>(options: HubOptions, body: (fx: HubFixture) => Promise<T>): Promise<T> {
  const fx = await HubFixture.start(options);
  try {
    return await body(fx);
  } finally {
    await fx.stop();
  }
}

export const TASK_ID = /^task-[0-9a-f]{16}$/;
const TOKEN = /^[0-9a-f]{64}$/;

/**
 * Token checks that never print the token: a failed `expect(token).toMatch(...)`
 * would put it in the test output.
 */
export function isToken(value: unknown): boolean {
  return typeof value === 'string' && TOKEN.test(value);
}

export function leaks(text: string, token: string): boolean {
  return token !== '' && text.includes(token);
}
