import type { TransportFactory, TransportHandlers } from '../agents/transport.js';
import type { CarriedAnswer, CarriedRequest, HttpCarriage } from '../http/carriage.js';
import { frameLabel } from './frame-label.js';
import type { Channel, SimScheduler } from './scheduler.js';
import type { SimHub, SimWire } from './sim-hub.js';

/** Time one message takes over a healthy link. */
export const LINK_LATENCY_MS = 1;

/**
 * How often an agent end's WebSocket library pings: control frames the
 * history does not show, which keep a healthy link from the hub's idle
 * timeout, so that only a link whose agent end is gone reaches it.
 */
export const KEEPALIVE_MS = 200;

/**
 * How long the hub's socket keeps retransmitting a frame to a peer that is
 * gone before it gives up and reports the socket closed. Short, so that a
 * hub that keeps writing to a half-open link (each write counts as activity
 * and holds off the idle timeout) still learns within the model's reclaim bound.
 */
export const WRITE_GIVE_UP_MS = 200;

const CLOSE_ABNORMAL = 1006;
const CLOSE_NO_STATUS = 1005;

interface Link {
  connId: number;
  toHub: Channel;
  toAgent: Channel;
  handlers: TransportHandlers;
  /** The agent end is connecting or open. */
  agentUp: boolean;
  /** The agent's host is gone and the hub was not told: a half-open link. */
  silent: boolean;
  /** The hub wrote to the silent link: its socket will give up. */
  failing: boolean;
  extraLatencyMs: number;
  keepalive: number | undefined;
}

/** What the network faults of a simulated run can do to an agent's link, named by its connection id. */
export interface NetworkFaults {
  /** Every later message on the link, either way, takes `ms` longer. */
  delay(connId: number, ms: number): boolean;
  /** Whatever is in flight on the link, either way, is lost. */
  loseInFlight(connId: number): boolean;
  /** The hub will not hear that the agent end goes away; it learns only by its idle timeout. */
  silence(connId: number): boolean;
}

/**
 * The simulated network between the run's agents and HTTP client and the
 * simulated hub. Links are numbered in the order they are made, as the
 * history numbers connections (one per agent connection), and HTTP exchanges
 * as the history numbers them, so the trace and the history name the same things.
 */
export class SimNetwork implements SimWire, NetworkFaults {
  private readonly links = new Map<number, Link>();
  private nextLink = 1;
  private nextExchange = 1;
  private hub!: SimHub;

  constructor(private readonly scheduler: SimScheduler) {}

  attach(hub: SimHub): void {
    this.hub = hub;
  }

  readonly transport: TransportFactory = (_url, handlers) => {
    const connId = this.nextLink++;
    const link: Link = {
      connId,
      toHub: this.scheduler.channel(`agent → hub, conn ${connId}`),
      toAgent: this.scheduler.channel(`hub → agent, conn ${connId}`),
      handlers,
      agentUp: true,
      silent: false,
      failing: false,
      extraLatencyMs: 0,
      keepalive: undefined,
    };
    this.links.set(connId, link);
    link.toHub.push('connect', this.latency(link), () => {
      if (!this.hub.up) {
        link.toAgent.push('connection refused', this.latency(link), () => this.endAgent(link, CLOSE_ABNORMAL, 'connect ECONNREFUSED'));
        return;
      }
      this.hub.linkOpened(connId);
      link.toAgent.push('open', this.latency(link), () => {
        if (!link.agentUp) return;
        handlers.open();
        this.keepAlive(link);
      });
    });
    return {
      sendText: (text) => link.toHub.push(() => frameLabel(text), this.latency(link), () => this.hub.linkText(connId, text)),
      sendBinary: () => link.toHub.push('binary frame', this.latency(link), () => this.hub.linkBinary(connId)),
      close: (code, reason) =>
        link.toHub.push(`close ${code ?? ''}`, this.latency(link), () => {
          this.hub.linkClosed(connId);
          link.toAgent.push('close echo', this.latency(link), () => this.endAgent(link, code ?? CLOSE_NO_STATUS, reason ?? ''));
        }),
      kill: () => {
        if (!link.agentUp) return;
        link.toAgent.clear();
        // The transport contract: the close handler follows, never inside kill().
        queueMicrotask(() => this.endAgent(link, CLOSE_ABNORMAL, ''));
        if (!link.silent) link.toHub.push('connection reset', this.latency(link), () => this.hub.linkClosed(connId));
      },
    };
  };

  readonly http = (): HttpCarriage => ({
    request: (request) => this.exchange(request),
    close: async () => undefined,
  });

  toAgent(connId: number, what: 'frame' | 'close', text: string, code = CLOSE_NO_STATUS): void {
    const link = this.links.get(connId);
    if (link === undefined) return;
    if (!link.agentUp || link.silent) {
      // Nobody answers at the other end: a close gives up at once, a frame once retransmitting is over.
      if (what === 'close') link.toHub.push('close unanswered', this.latency(link), () => this.hub.linkClosed(connId));
      else if (!link.failing) {
        link.failing = true;
        link.toHub.push('write gave up: the peer is gone', WRITE_GIVE_UP_MS, () => this.hub.linkClosed(connId));
      }
      return;
    }
    if (what === 'frame') {
      link.toAgent.push(() => frameLabel(text), this.latency(link), () => {
        if (link.agentUp) link.handlers.message({ kind: 'text', text });
      });
      return;
    }
    link.toAgent.push(`close ${code} ${text}`, this.latency(link), () => {
      this.endAgent(link, code, text);
      link.toHub.push('close echo', this.latency(link), () => this.hub.linkClosed(connId));
    });
  }

  resetAll(): void {
    for (const link of this.links.values()) {
      link.toHub.clear();
      link.toAgent.clear();
      if (link.agentUp) link.toAgent.push('connection reset (hub crashed)', this.latency(link), () => this.endAgent(link, CLOSE_ABNORMAL, ''));
    }
  }

  delay(connId: number, ms: number): boolean {
    const link = this.liveLink(connId);
    if (link !== undefined) link.extraLatencyMs = ms;
    return link !== undefined;
  }

  loseInFlight(connId: number): boolean {
    const link = this.liveLink(connId);
    link?.toHub.clear();
    link?.toAgent.clear();
    return link !== undefined;
  }

  silence(connId: number): boolean {
    const link = this.liveLink(connId);
    if (link !== undefined) link.silent = true;
    return link !== undefined;
  }

  private liveLink(connId: number): Link | undefined {
    const link = this.links.get(connId);
    return link?.agentUp ? link : undefined;
  }

  private latency(link: Link): number {
    return LINK_LATENCY_MS + link.extraLatencyMs;
  }

  private endAgent(link: Link, code: number, reason: string): void {
    if (!link.agentUp) return;
    link.agentUp = false;
    if (link.keepalive !== undefined) this.scheduler.clearTimer(link.keepalive);
    link.handlers.close({ code, reason });
  }

  private keepAlive(link: Link): void {
    link.keepalive = this.scheduler.setTimer(`keepalive conn ${link.connId}`, KEEPALIVE_MS, () => {
      if (!link.agentUp) return;
      // A ping behind nothing arrives with its timer: one step, not two, for what no history shows.
      if (link.toHub.idle && link.extraLatencyMs === 0) this.hub.linkActivity(link.connId);
      else link.toHub.push('ping', this.latency(link), () => this.hub.linkActivity(link.connId));
      this.keepAlive(link);
    }, true);
  }

  private exchange(request: CarriedRequest): Promise<CarriedAnswer> {
    const channel = this.scheduler.channel(`http #${this.nextExchange++}`);
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (finish: () => void): void => {
        if (settled) return;
        settled = true;
        request.signal.removeEventListener('abort', onAbort);
        finish();
      };
      const fail = (reason: string): void => settle(() => reject(new Error(reason)));
      const onAbort = (): void => fail('aborted');
      request.signal.addEventListener('abort', onAbort);
      channel.push(`${request.method} ${request.path} → hub`, LINK_LATENCY_MS, () => {
        if (!this.hub.up) {
          channel.push('connection refused', LINK_LATENCY_MS, () => fail('connect ECONNREFUSED'));
          return;
        }
        this.hub.request({
          request,
          answer: (answer) => channel.push(`${answer.status} → client`, LINK_LATENCY_MS, () => settle(() => resolve(answer))),
          fail: (reason) => channel.push(reason, LINK_LATENCY_MS, () => fail(reason)),
        });
      });
    });
  }
}
