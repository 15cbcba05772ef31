import type { Effect, FollowUp, HubEvent } from '../core/events.js';
import { handleEvent, startCore, type CoreEnv } from '../core/hub-core.js';
import type { HubState, TimerSpec } from '../core/state.js';
import type { HubStore } from '../store/hub-store.js';
import type { HubClock, TimerHandle } from '../types.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event as a shell sees it: the driver stamps the time. */
export type ShellEvent = DistributiveOmit<HubEvent, 'now'>;

/** What only the shell can do: put frames, closes and answers on its wire. */
export interface ShellOutputs {
  send(connId: number, frame: Record<string, unknown>): void;
  close(connId: number, code: number, reason: string): void;
  reply(reqId: number, status: number, body: unknown): void;
  /** The core asked to die at once (fault `progress-crashes-hub`). */
  crash(): void;
}

export interface CoreDriverConfig {
  clock: HubClock;
  env: CoreEnv;
  store: HubStore;
}

/** The stall's own timer, kept with the core's so that a stop clears it too. */
const STALL_TIMER = 'stall';

/** Resolves when `promise` settles or after `ms`, whichever is first; never rejects. */
export function waitAtMost(promise: Promise<unknown>, ms: number, clock: HubClock): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(resolve, ms);
    void promise.finally(() => {
      clock.clearTimeout(timer);
      resolve();
    });
  });
}

function timerName(timer: TimerSpec): string {
  if (timer.kind === 'acceptance') return `acceptance timeout of ${timer.agentId} for ${timer.taskId} generation ${timer.generation}`;
  if (timer.kind === 'ws_idle') return `idle check of conn ${timer.connId}`;
  return timer.kind.replace('_', ' ');
}

function failureAnswer(event: ShellEvent): Effect[] {
  if (event.type === 'http') return [{ type: 'reply', reqId: event.reqId, status: 500, body: { error: 'internal_error' } }];
  if (event.type === 'ws_text') return [{ type: 'send', connId: event.connId, frame: { type: 'error', error: 'internal_error' } }];
  return [];
}

/**
 * The part of every hub shell that is not about wires: it feeds events to
 * the core, keeps the core's timers on the shell's clock, and carries out
 * effects: timers at once, everything the outside world can see only after
 * the event's records are durable, in event order. The network shell and
 * the simulated one differ only in their `ShellOutputs` and their clock.
 */
export class CoreDriver {
  private readonly timers = new Map<string, TimerHandle>();
  private state!: HubState;
  /** Outputs wait on this chain so they leave in event order, each after its records are durable. */
  private outbox: Promise<void> = Promise.resolve();
  private stoppingNow = false;
  /** After a stop nothing more leaves this driver. */
  private dead = false;
  /** Events that came while the core stalls, taken in order when it ends. */
  private stalled: ShellEvent[] | null = null;

  private constructor(
    private readonly config: CoreDriverConfig,
    private readonly outputs: ShellOutputs,
  ) {}

  /** Loads the durable state and starts the core on it; resolves once that start is durable. */
  static async start(config: CoreDriverConfig, outputs: ShellOutputs): Promise<CoreDriver> {
    const driver = new CoreDriver(config, outputs);
    let started: ReturnType<typeof startCore>;
    try {
      started = startCore(await config.store.load(), config.env, config.clock.now());
    } catch (error) {
      // A hub that cannot start must not keep its log open: the next start opens it again.
      await config.store.abandon();
      throw error;
    }
    const { state, effects } = started;
    driver.state = state;
    driver.apply(effects);
    await driver.outbox;
    // The state the hub starts from (its admin token above all) is durable before anyone can see it.
    await config.store.sync();
    return driver;
  }

  get adminToken(): string {
    return this.state.adminToken;
  }

  get stopping(): boolean {
    return this.stoppingNow;
  }

  dispatch(event: ShellEvent): void {
    if (this.stoppingNow) return;
    if (this.stalled !== null) {
      this.stalled.push(event);
      return;
    }
    let effects: Effect[];
    try {
      effects = handleEvent(this.state, { ...event, now: this.config.clock.now() } as HubEvent, this.config.env);
    } catch (error) {
      // A bug in the core must not take the hub down; the request still gets an answer.
      process.stderr.write(`agentcom hub: ${event.type} event failed: ${(error as Error).stack ?? String(error)}\n`);
      effects = failureAnswer(event);
    }
    this.apply(effects);
  }

  /**
   * Takes no more events and fires no more timers. Graceful: outputs already
   * due still go out (for at most `graceMs`). Crash: nothing more leaves.
   */
  async stop(crash: boolean, graceMs: number): Promise<void> {
    this.stoppingNow = true;
    if (!crash) await waitAtMost(this.outbox, graceMs, this.config.clock);
    this.dead = true;
    for (const handle of this.timers.values()) this.config.clock.clearTimeout(handle);
    this.timers.clear();
  }

  private apply(effects: Effect[]): void {
    let durable: Promise<void> = Promise.resolve();
    const outputs: Effect[] = [];
    for (const effect of effects) {
      if (effect.type === 'persist') durable = this.config.store.append(effect.records);
      else if (effect.type === 'set_timer') this.arm(effect.timer);
      else if (effect.type === 'cancel_timer') this.disarm(effect.timerId);
      else if (effect.type === 'follow_up') this.followUp(effect.work);
      else if (effect.type === 'crash') return this.outputs.crash();
      else if (effect.type === 'stall') durable = Promise.all([durable, this.stall(effect.ms)]).then(() => undefined);
      else outputs.push(effect);
    }
    this.outbox = Promise.all([this.outbox, durable]).then(
      () => this.perform(outputs),
      (error: unknown) => this.refuse(outputs, error),
    );
  }

  /** Holds every event, and every output from now on, for `ms`; resolves when the stall ends. */
  private stall(ms: number): Promise<void> {
    this.stalled ??= [];
    return new Promise((resolve) => {
      const handle = this.config.clock.setTimeout(
        () => {
          this.timers.delete(STALL_TIMER);
          const held = this.stalled ?? [];
          this.stalled = null;
          resolve();
          for (const event of held) this.dispatch(event);
        },
        ms,
        'the hub stalls (fault stall-after-dead-letter)',
      );
      this.timers.set(STALL_TIMER, handle);
    });
  }

  private arm(timer: TimerSpec): void {
    const { clock } = this.config;
    const handle = clock.setTimeout(
      () => {
        this.timers.delete(timer.id);
        this.dispatch({ type: 'timer', timerId: timer.id });
      },
      Math.max(0, timer.dueAt - clock.now()),
      timerName(timer),
      timer.kind === 'overdue_sweep' || timer.kind === 'stuck_sweep',
    );
    this.timers.set(timer.id, handle);
  }

  private followUp(work: FollowUp): void {
    this.config.clock.runNext(() => this.dispatch({ type: 'follow_up', work }), `apply the completion of ${work.taskId}`);
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
      if (effect.type === 'send') this.outputs.send(effect.connId, effect.frame);
      else if (effect.type === 'close') this.outputs.close(effect.connId, effect.code, effect.reason);
      else if (effect.type === 'reply') this.outputs.reply(effect.reqId, effect.status, effect.body);
    }
  }

  /** The change could not be made durable: nothing about it may be revealed. */
  private refuse(outputs: Effect[], error: unknown): void {
    if (this.dead) return;
    process.stderr.write(`agentcom hub: storage write failed: ${String(error)}\n`);
    for (const effect of outputs) {
      if (effect.type === 'reply') this.outputs.reply(effect.reqId, 503, { error: 'storage_unavailable' });
    }
  }
}
