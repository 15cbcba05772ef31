import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { CoreEnv } from '../core/hub-core.js';
import { CoreDriver, waitAtMost, type ShellEvent } from '../shell/core-driver.js';
import type { HubStore } from '../store/hub-store.js';
import type { HubClock } from '../types.js';
import { MAX_BODY_BYTES, readBody } from './http-body.js';

export const MAX_FRAME_BYTES = 1024 * 1024;
const CLOSE_GOING_AWAY = 1001;
/** How long a graceful stop waits for pending answers and for clients to finish closing. */
const STOP_GRACE_MS = 1_000;
const REQUEST_TIMEOUT_MS = 30_000;

export interface RuntimeConfig {
  host: string;
  port: number;
  clock: HubClock;
  env: CoreEnv;
  store: HubStore;
  /** A later life of the same hub, after a restart. */
  restarted?: boolean;
  /** Told once the runtime has died by itself (fault `progress-crashes-hub`). */
  onCrash?: () => void;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * One life of the hub between start and stop: the network shell around the
 * core. It turns sockets and requests into core events and puts the
 * driver's outputs on the wire.
 */
export class HubRuntime {
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Map<number, WebSocket>();
  private readonly rawSockets = new Set<Duplex>();
  private readonly pendingReplies = new Map<number, ServerResponse>();
  private driver!: CoreDriver;
  private nextConn = 1;
  private nextReq = 1;
  private stopping = false;
  private stopped: Promise<void> | undefined;

  private constructor(private readonly config: RuntimeConfig) {
    this.server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS }, (req, res) => this.onRequest(req, res));
    // One frame per turn, even when one TCP read holds several: the core's follow-ups (a microtask) then run first, as promised.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, allowSynchronousEvents: false });
    this.server.on('connection', (socket: Socket) => this.track(socket));
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket));
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  static async start(config: RuntimeConfig): Promise<HubRuntime> {
    const runtime = new HubRuntime(config);
    runtime.driver = await CoreDriver.start(config, {
      send: (connId, frame) => {
        const ws = runtime.sockets.get(connId);
        if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
      },
      close: (connId, code, reason) => runtime.sockets.get(connId)?.close(code, reason),
      reply: (reqId, status, body) => runtime.reply(reqId, status, body),
      crash: () => void runtime.stop({ crash: true }).then(() => config.onCrash?.()),
    });
    try {
      if (!(config.restarted === true && config.env.faults.has('restart-without-listener'))) await runtime.listen();
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
    return this.driver.adminToken;
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
    if (!this.stopping) this.driver.dispatch(event);
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
      const body = JSON.stringify({ error: 'not_found' });
      socket.end(
        `HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      );
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
  stop({ crash = false }: { crash?: boolean } = {}): Promise<void> {
    // A restart right after the hub crashed by itself waits for that crash to have freed the port and the log.
    this.stopped ??= this.shutDown(crash);
    return this.stopped;
  }

  private async shutDown(crash: boolean): Promise<void> {
    this.stopping = true;
    const { clock } = this.config;
    await this.driver.stop(crash, STOP_GRACE_MS);
    if (crash) {
      await this.config.store.abandon();
    } else {
      const closed = [...this.sockets.values()].map(
        (ws) => new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close(CLOSE_GOING_AWAY, 'hub_stopping');
        }),
      );
      await waitAtMost(Promise.all(closed), STOP_GRACE_MS, clock);
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
    await waitAtMost(Promise.all([serverClosed, ...socketsClosed]), STOP_GRACE_MS, clock);
  }
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
