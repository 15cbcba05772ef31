import type { CoreEnv } from '../hub/core/hub-core.js';
import { MAX_BODY_BYTES } from '../hub/net/http-body.js';
import { MAX_FRAME_BYTES } from '../hub/net/hub-runtime.js';
import { CoreDriver, type ShellEvent, type ShellOutputs } from '../hub/shell/core-driver.js';
import type { HubStore } from '../hub/store/hub-store.js';
import type { HubClock } from '../hub/types.js';
import { applyStoreFaults } from '../hub/store/store-faults.js';
import type { CarriedAnswer, CarriedRequest } from '../http/carriage.js';
import type { SimDisk } from './sim-disk.js';
import type { SimScheduler } from './scheduler.js';

/** What the network tells the hub; the hub answers through `SimWire`. */
export interface SimWire {
  /** Puts a frame or a close on the way to the agent end of a link. */
  toAgent(connId: number, what: 'frame' | 'close', text: string, code?: number): void;
  /** Every agent end learns its link died (a crash: no close frame). */
  resetAll(): void;
}

export interface PendingExchange {
  request: CarriedRequest;
  answer(answer: CarriedAnswer): void;
  /** The connection died before an answer. */
  fail(reason: string): void;
}

const CLOSE_GOING_AWAY = 1001;
const CLOSE_MESSAGE_TOO_BIG = 1009;
/** How long a graceful stop waits for pending answers and for clients to close. */
const STOP_GRACE_MS = 1_000;

function json(status: number, body: unknown): CarriedAnswer {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, text: JSON.stringify(body) };
}

/**
 * The reference hub's core, driven as in the network shell but fed by the
 * simulated network: links instead of sockets, exchanges instead of
 * requests, a simulated disk, the virtual clock. It can crash and restart on
 * the same disk.
 */
export class SimHub {
  private driver: CoreDriver | undefined;
  private readonly exchanges = new Map<number, PendingExchange>();
  private readonly openLinks = new Set<number>();
  private store: HubStore | undefined;
  private nextReq = 1;
  private life = 0;
  /** Whether links and requests reach the hub at all (not after a restart with `restart-without-listener`). */
  private listening = true;

  constructor(
    private readonly scheduler: SimScheduler,
    private readonly clock: HubClock,
    private readonly env: CoreEnv,
    private readonly disk: SimDisk,
    private readonly wire: SimWire,
  ) {}

  get up(): boolean {
    return this.listening && this.driver !== undefined && !this.driver.stopping;
  }

  get adminToken(): string {
    if (this.driver === undefined) throw new Error('the simulated hub is down');
    return this.driver.adminToken;
  }

  async start(): Promise<void> {
    this.life++;
    this.listening = this.life === 1 || !this.env.faults.has('restart-without-listener');
    const store = applyStoreFaults(this.disk.open(this.scheduler.channel(`hub disk (life ${this.life})`)), this.env.faults, this.clock);
    const outputs: ShellOutputs = {
      send: (connId, frame) => this.wire.toAgent(connId, 'frame', JSON.stringify(frame)),
      close: (connId, code, reason) => this.wire.toAgent(connId, 'close', reason, code),
      reply: (reqId, status, body) => this.answer(reqId, json(status, body)),
      crash: () => void this.stop(true),
    };
    this.driver = await CoreDriver.start({ clock: this.clock, env: this.env, store }, outputs);
    this.store = store;
  }

  /**
   * Crash: nothing more leaves, what is not durable is lost, every link and
   * exchange dies. Graceful: pending answers go out, links get 1001, the
   * disk is synced.
   */
  async stop(crash: boolean): Promise<void> {
    const driver = this.driver;
    const store = this.store;
    if (driver === undefined || store === undefined) return;
    await driver.stop(crash, STOP_GRACE_MS);
    if (crash) {
      await store.abandon();
      this.wire.resetAll();
    } else {
      for (const connId of this.openLinks) this.wire.toAgent(connId, 'close', 'hub_stopping', CLOSE_GOING_AWAY);
      await store.close();
    }
    this.openLinks.clear();
    for (const exchange of this.exchanges.values()) exchange.fail('socket hang up: the hub went down');
    this.exchanges.clear();
    this.driver = undefined;
    this.store = undefined;
  }

  linkOpened(connId: number): void {
    this.openLinks.add(connId);
    this.dispatch({ type: 'ws_open', connId });
  }

  linkText(connId: number, text: string): void {
    if (Buffer.byteLength(text) > MAX_FRAME_BYTES) {
      this.wire.toAgent(connId, 'close', 'message_too_big', CLOSE_MESSAGE_TOO_BIG);
      return;
    }
    this.dispatch({ type: 'ws_text', connId, text });
  }

  linkBinary(connId: number): void {
    this.dispatch({ type: 'ws_binary', connId });
  }

  linkActivity(connId: number): void {
    this.dispatch({ type: 'ws_activity', connId });
  }

  linkClosed(connId: number): void {
    if (!this.openLinks.delete(connId)) return;
    this.dispatch({ type: 'ws_closed', connId });
  }

  request(exchange: PendingExchange): void {
    const { request } = exchange;
    const body = request.body ?? '';
    if ((typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength) > MAX_BODY_BYTES) {
      exchange.answer(json(413, { error: 'payload_too_large' }));
      return;
    }
    const reqId = this.nextReq++;
    this.exchanges.set(reqId, exchange);
    this.dispatch({
      type: 'http',
      reqId,
      request: {
        method: request.method,
        target: request.path,
        authorization: request.headers.authorization,
        contentType: request.headers['content-type'],
        body: typeof body === 'string' ? body : Buffer.from(body).toString('utf8'),
      },
    });
  }

  private answer(reqId: number, answer: CarriedAnswer): void {
    const exchange = this.exchanges.get(reqId);
    this.exchanges.delete(reqId);
    exchange?.answer(answer);
  }

  private dispatch(event: ShellEvent): void {
    if (this.up) this.driver?.dispatch(event);
  }
}
