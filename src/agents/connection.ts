import { systemClock, type Clock, type TimerHandle } from '../env/clock.js';
import type { HistoryRecorder, NewEvent } from '../history/recorder.js';
import { redactText, redactTokens } from '../http/redact.js';
import { withDeadline } from './deadline.js';
import type { Transport, TransportFactory, TransportMessage } from './transport.js';

export type CloseCause = 'client_kill' | 'client_close' | 'server' | 'connect_failed';

export interface ConnectionEnd {
  code: number;
  reason: string;
  by: CloseCause;
}

/** A received frame: parsed JSON in `frame`, else the text in `raw`, or `binary`. */
export interface Received {
  frame?: unknown;
  raw?: string;
  binary?: boolean;
}

export interface ConnectionOptions {
  url: string;
  /** The agent id the history files this connection's events under. */
  actor: string;
  recorder: HistoryRecorder;
  transport: TransportFactory;
  connectTimeoutMs: number;
  /** Default: the system clock. */
  clock?: Clock;
  onReceive(connection: AgentConnection, received: Received): void;
  onEnd(connection: AgentConnection, end: ConnectionEnd): void;
}

type WithoutActor<E> = E extends unknown ? Omit<E, 'actor'> : never;
type ConnectionEvent = WithoutActor<Extract<NewEvent, { kind: 'ws_open' | 'ws_send' | 'ws_recv' | 'ws_close' }>>;

/** How long a killed transport may take to report that it is closed. */
const KILL_SETTLE_MS = 2_000;

function decode(message: TransportMessage): Received {
  if (message.kind === 'binary') return { binary: true };
  try {
    return { frame: JSON.parse(message.text) };
  } catch {
    return { raw: message.text };
  }
}

function recordable(received: Received): Received {
  if (received.binary) return { binary: true };
  if (received.raw !== undefined) return { raw: redactText(received.raw) };
  return { frame: redactTokens(received.frame) };
}

/**
 * One socket of one agent, and the history of it: ws_open, every frame each
 * way (the send recorded before it goes on the wire), and ws_close saying who
 * ended it.
 */
export class AgentConnection {
  readonly id: number;
  /** Resolves when the socket is open; rejects when it failed or missed the connect deadline. */
  readonly opened: Promise<void>;
  /** Resolves once the connection is over, whoever ended it. */
  readonly ended: Promise<ConnectionEnd>;
  private state: 'connecting' | 'open' | 'ended' = 'connecting';
  private endedBy: 'client_kill' | 'client_close' | undefined;
  private readonly transport: Transport;
  private readonly connectTimer: TimerHandle;
  private readonly clock: Clock;
  private connectFailure: string | undefined;

  constructor(private readonly options: ConnectionOptions) {
    this.id = options.recorder.newConnectionId();
    this.clock = options.clock ?? systemClock;
    let markOpen!: () => void;
    let markFailed!: (err: Error) => void;
    let markEnded!: (end: ConnectionEnd) => void;
    this.opened = new Promise((resolve, reject) => {
      markOpen = resolve;
      markFailed = reject;
    });
    // A caller that never awaits `opened` still learns of the failure through `ended`.
    this.opened.catch(() => undefined);
    this.ended = new Promise((resolve) => (markEnded = resolve));

    this.connectTimer = this.clock.setTimeout(() => {
      this.connectFailure = `did not open within ${options.connectTimeoutMs} ms`;
      this.transport.kill();
    }, options.connectTimeoutMs);

    this.transport = options.transport(options.url, {
      open: () => {
        this.clock.clearTimeout(this.connectTimer);
        this.state = 'open';
        this.record({ kind: 'ws_open', payload: { conn: this.id } });
        markOpen();
      },
      message: (message) => {
        const received = decode(message);
        this.record({ kind: 'ws_recv', payload: { conn: this.id, ...recordable(received) } });
        options.onReceive(this, received);
      },
      close: ({ code, reason }) => {
        this.clock.clearTimeout(this.connectTimer);
        const wasOpen = this.state === 'open';
        this.state = 'ended';
        const end: ConnectionEnd = wasOpen
          ? { code, reason, by: this.endedBy ?? 'server' }
          : { code, reason: this.connectFailure ?? reason, by: 'connect_failed' };
        this.record({ kind: 'ws_close', payload: { conn: this.id, code: end.code, reason: redactText(end.reason), by: end.by } });
        if (!wasOpen) {
          markFailed(new Error(`${options.actor}: connection ${this.id} to ${options.url} failed: ${end.reason}`));
        }
        markEnded(end);
        options.onEnd(this, end);
      },
    });
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Sends text as is; it is recorded as parsed JSON when it parses. */
  sendText(text: string, what: string): void {
    this.requireOpen(what);
    const sent = decode({ kind: 'text', text });
    this.record({ kind: 'ws_send', payload: { conn: this.id, ...recordable(sent) } });
    this.transport.sendText(text);
  }

  sendBinary(data: Uint8Array): void {
    this.requireOpen('a binary frame');
    this.record({ kind: 'ws_send', payload: { conn: this.id, binary: true } });
    this.transport.sendBinary(data);
  }

  /** Destroys the socket, no close frame. */
  kill(): void {
    if (this.state === 'ended') return;
    if (this.state === 'open') this.endedBy = 'client_kill';
    this.transport.kill();
  }

  /** Clean close; if the peer does not finish it within `timeoutMs`, the socket is killed. */
  async close(timeoutMs: number, code?: number, reason?: string): Promise<ConnectionEnd> {
    if (this.state === 'connecting') {
      this.connectFailure = 'closed by the client before it opened';
      this.kill();
    }
    if (this.state === 'open' && this.endedBy === undefined) {
      this.endedBy = 'client_close';
      try {
        this.transport.close(code, reason);
      } catch (err) {
        // An invalid close code is refused before anything is sent: the socket stays open.
        this.endedBy = undefined;
        throw err;
      }
    }
    try {
      return await withDeadline(this.ended, timeoutMs, `connection ${this.id} to close`, this.clock);
    } catch {
      this.kill();
      return withDeadline(this.ended, KILL_SETTLE_MS, `killed connection ${this.id} to report closed`, this.clock);
    }
  }

  private requireOpen(what: string): void {
    if (this.state !== 'open') {
      throw new Error(`${this.options.actor}: connection ${this.id} is not open; cannot send ${what}`);
    }
  }

  private record(event: ConnectionEvent): void {
    this.options.recorder.record({ ...event, actor: this.options.actor } as NewEvent);
  }
}
