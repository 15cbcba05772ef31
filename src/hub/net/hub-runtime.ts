import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { Effect, HubEvent } from '../core/events.js';
import { handleEvent, startCore, type CoreEnv } from '../core/hub-core.js';
import type { HubState } from '../core/state.js';
import type { HubStore } from '../store/hub-store.js';
import type { HubClock, TimerHandle } from '../types.js';
import { MAX_BODY_BYTES, readBody } from './http-body.js';

export const MAX_FRAME_BYTES = 1024 * 1024;
const CLOSE_GOING_AWAY = 1001;
/** How long a graceful stop waits for pending answers and for clients to finish closing. */
const STOP_GRACE_MS = 1_000;
const REQUEST_TIMEOUT_MS = 30_000;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type ShellEvent = DistributiveOmit<HubEvent, 'now'>;

export interface RuntimeConfig {
  host: string;
  port: number;
  clock: HubClock;
  env: CoreEnv;
  store: HubStore;
}

function withDeadline(promise: Promise<unknown>, ms: number, clock: HubClock): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(resolve, ms);
    void promise.finally(() => {
      clock.clearTimeout(timer);
      resolve();
    });
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * One life of the hub between start and stop: the imperative shell around
 * the core. It turns sockets, requests and timers into core events, and
 * carries out the effects: timers at once, everything the outside world can
 * see only after the event's records are durable, in event order.
 */
export class HubRuntime {
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Map<number, WebSocket>();
  private readonly rawSockets = new Set<Duplex>();
  private readonly pendingReplies = new Map<number, ServerResponse>();
  private readonly timers = new Map<string, TimerHandle>();
  private state!: HubState;
  /** Outputs wait on this chain so they leave in event order, each after its records are durable. */
  private outbox: Promise<void> = Promise.resolve();
  private nextConn = 1;
  private nextReq = 1;
  private stopping = false;
  /** After a crash nothing more leaves this runtime. */
  private dead = false;

  private constructor(private readonly config: RuntimeConfig) {
    this.server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS }, (req, res) => this.onRequest(req, res));
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
    this.server.on('connection', (socket: Socket) => this.track(socket));
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket));
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  static async start(config: RuntimeConfig): Promise<HubRuntime> {
    const runtime = new HubRuntime(config);
    const snapshot = await config.store.load();
    const { state, effects } = startCore(snapshot, config.env, config.clock.now());
    runtime.state = state;
    runtime.apply(effects);
    await runtime.outbox;
    // The state the hub starts from (its admin token above all) is durable before anyone can see it.
    await config.store.sync();
    try {
      await runtime.listen();
    } catch (error) {
      await runtime.stop({ crash: true });
      throw error;
    }
    return runtime;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : this.config.port;
  }

  get adminToken(): string {
    return this.state.adminToken;
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.port, this.config.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  private track(socket: Duplex): void {
    this.rawSockets.add(socket);
    socket.on('close', () => this.rawSockets.delete(socket));
  }

  private dispatch(event: ShellEvent): void {
    if (this.stopping) return;
    const now = this.config.clock.now();
    let effects: Effect[];
    try {
      effects = handleEvent(this.state, { ...event, now } as HubEvent, this.config.env);
    } catch (error) {
      // A bug in the core must not take the hub down; the request still gets an answer.
      process.stderr.write(`agentcom hub: ${event.type} event failed: ${(error as Error).stack ?? String(error)}\n`);
      effects = failureAnswer(event);
    }
    this.apply(effects);
  }

  private apply(effects: Effect[]): void {
    let durable: Promise<void> = Promise.resolve();
    const outputs: Effect[] = [];
    for (const effect of effects) {
      if (effect.type === 'persist') durable = this.config.store.append(effect.records);
      else if (effect.type === 'set_timer') this.arm(effect.timer.id, effect.timer.dueAt);
      else if (effect.type === 'cancel_timer') this.disarm(effect.timerId);
      else outputs.push(effect);
    }
    this.outbox = Promise.all([this.outbox, durable]).then(
      () => this.perform(outputs),
      (error: unknown) => this.refuse(outputs, error),
    );
  }

  private arm(timerId: string, dueAt: number): void {
    const { clock } = this.config;
    const handle = clock.setTimeout(
      () => {
        this.timers.delete(timerId);
        this.dispatch({ type: 'timer', timerId });
      },
      Math.max(0, dueAt - clock.now()),
    );
    this.timers.set(timerId, handle);
  }

  private disarm(timerId: string): void {
    const handle = this.timers.get(timerId);
    if (handle === undefined) return;
    this.config.clock.clearTimeout(handle);
    this.timers.delete(timerId);
  }

  private perform(outputs: Effect[]): void {
    if (this.dead) return;
    for (const effect of outputs) {
      switch (effect.type) {
        case 'send': {
          const ws = this.sockets.get(effect.connId);
          if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(effect.frame));
          break;
        }
        case 'close':
          this.sockets.get(effect.connId)?.close(effect.code, effect.reason);
          break;
        case 'reply':
          this.reply(effect.reqId, effect.status, effect.body);
          break;
      }
    }
  }

  /** The change could not be made durable: nothing about it may be revealed. */
  private refuse(outputs: Effect[], error: unknown): void {
    if (this.dead) return;
    process.stderr.write(`agentcom hub: storage write failed: ${String(error)}\n`);
    for (const effect of outputs) {
      if (effect.type === 'reply') this.reply(effect.reqId, 503, { error: 'storage_unavailable' });
    }
  }

  private reply(reqId: number, status: number, body: unknown): void {
    const res = this.pendingReplies.get(reqId);
    this.pendingReplies.delete(reqId);
    if (res !== undefined) sendJson(res, status, body);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    void readBody(req, MAX_BODY_BYTES).then((body) => {
      if (this.stopping || body === 'aborted') return;
      if (body === 'too_large') {
        res.setHeader('connection', 'close');
        sendJson(res, 413, { error: 'payload_too_large' });
        return;
      }
      const reqId = this.nextReq++;
      this.pendingReplies.set(reqId, res);
      this.dispatch({
        type: 'http',
        reqId,
        request: {
          method: req.method ?? 'GET',
          target: req.url ?? '/',
          authorization: req.headers.authorization,
          contentType: req.headers['content-type'],
          body,
        },
      });
    });
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.track(socket);
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0];
    if (this.stopping || path !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  private onConnection(ws: WebSocket): void {
    const connId = this.nextConn++;
    this.sockets.set(connId, ws);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) this.dispatch({ type: 'ws_binary', connId });
      else this.dispatch({ type: 'ws_text', connId, text: rawText(data) });
    });
    ws.on('ping', () => this.dispatch({ type: 'ws_activity', connId }));
    ws.on('pong', () => this.dispatch({ type: 'ws_activity', connId }));
    ws.on('error', () => undefined);
    ws.on('close', () => {
      this.sockets.delete(connId);
      this.dispatch({ type: 'ws_closed', connId });
    });
    this.dispatch({ type: 'ws_open', connId });
  }

  /**
   * Graceful: pending answers go out, sockets get a close frame (1001), the
   * log is flushed. Crash: every socket is destroyed at once and whatever is
   * not durable yet is lost.
   */
  async stop({ crash = false }: { crash?: boolean } = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const { clock } = this.config;
    if (!crash) await withDeadline(this.outbox, STOP_GRACE_MS, clock);
    this.dead = true;
    for (const handle of this.timers.values()) clock.clearTimeout(handle);
    this.timers.clear();
    if (crash) {
      await this.config.store.abandon();
    } else {
      const closed = [...this.sockets.values()].map(
        (ws) => new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close(CLOSE_GOING_AWAY, 'hub_stopping');
        }),
      );
      await withDeadline(Promise.all(closed), STOP_GRACE_MS, clock);
      await this.config.store.close();
    }
    for (const ws of this.sockets.values()) ws.terminate();
    const socketsClosed = [...this.rawSockets].map((socket) => {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.destroy();
      return closed;
    });
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    this.wss.close();
    await withDeadline(Promise.all([serverClosed, ...socketsClosed]), STOP_GRACE_MS, clock);
  }
}

function failureAnswer(event: ShellEvent): Effect[] {
  if (event.type === 'http') return [{ type: 'reply', reqId: event.reqId, status: 400, body: { error: 'bad_request' } }];
  if (event.type === 'ws_text') return [{ type: 'send', connId: event.connId, frame: { type: 'error', error: 'internal_error' } }];
  return [];
}

/** Requests Node's parser refuses (malformed, or over the request timeout) still get a JSON error. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, text, code] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout', 'request_timeout'] : [400, 'Bad Request', 'bad_request'];
  const body = JSON.stringify({ error: code });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
