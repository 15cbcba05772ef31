import { capabilityNames } from '../../models/frames.js';
import { systemClock, type Clock, type TimerHandle } from '../env/clock.js';
import { HistoryRecorder } from '../history/recorder.js';
import { redactTokens } from '../http/redact.js';
import { AgentConnection, type ConnectionEnd, type Received } from './connection.js';
import type { TransportFactory } from './transport.js';
import { wsTransport } from './ws-transport.js';

/**
 * What the agent does with a task it is given. `complete-and-crash` is a
 * worker whose socket dies right after it reports: its completion and the
 * loss of that connection reach the hub back to back.
 */
export type Behaviour = 'complete' | 'complete-and-crash' | 'fail' | 'ignore' | { delay: number };

/** The hub takes `{name}` objects among capabilities as their name. */
export type Capability = string | { name: string };

/** A received JSON object. */
export type Frame = Record<string, unknown>;

export interface ReceivedTask {
  taskId: string;
  generation: number;
  /** Wall-clock ms on arrival, comparable with the hub's `assigned_at`. */
  receivedAt: number;
  description: string;
}

export interface HeldTask {
  taskId: string;
  /** The generation to echo: from task_assign, or from task_continue. */
  generation: number;
  /** task_accepted was sent for this generation. */
  accepted: boolean;
  /** A completion or failure with this generation was sent; the hub's answer is due. */
  finishing: boolean;
}

export interface SimAgentOptions {
  agentId: string;
  token: string;
  /** ws://host:port/ws */
  wsUrl: string;
  capabilities?: Capability[];
  /** Default `sim-<agentId>`. */
  name?: string;
  /** Default `complete`. */
  behaviour?: Behaviour;
  /** Default: a recorder of this agent's own. */
  recorder?: HistoryRecorder;
  /** Default: a `ws` socket. */
  transport?: TransportFactory;
  /** Every timer and timestamp of the agent. Default: the system clock. */
  clock?: Clock;
  /** Default 5000. */
  connectTimeoutMs?: number;
  /** How long identify waits for its answer. Default 5000. */
  replyTimeoutMs?: number;
  /** How long a clean close may take before the socket is killed. Default 2000. */
  closeTimeoutMs?: number;
  /** `result` of a completion. Default `{ output: "done by <agentId>" }`. */
  resultFor?: (taskId: string) => unknown;
  /** `tokens_used` of a completion. Default a number from 1 to 500 derived from the task id. */
  tokensUsed?: (taskId: string) => number;
}

export interface WaitForFrameOptions {
  timeoutMs: number;
  /** Named in the timeout error. */
  what: string;
  /** The connection whose frames count. Default: the current one. */
  conn?: number;
}

export interface IdentifyOverrides {
  token?: string;
  agentId?: string;
}

type FramePredicate = (frame: Frame, conn: number) => boolean;

interface Waiter {
  conn: number;
  what: string;
  predicate: FramePredicate;
  resolve(frame: Frame): void;
  reject(err: Error): void;
  timer: TimerHandle;
}

const FINISHING_ACKS = new Set(['complete', 'retried', 'dead_letter']);
const OWN_OUTCOME_ERROR = /^task_(complete|fail)_failed/;

function isFrame(value: unknown): value is Frame {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Varied rather than constant, so a hub that files one task's tokens_used under another shows it.
function defaultTokensUsed(taskId: string): number {
  let sum = 0;
  for (const ch of taskId) sum = (sum * 31 + ch.charCodeAt(0)) % 500;
  return sum + 1;
}

/**
 * A simulated agent: connects, identifies, and answers the tasks the hub
 * pushes according to its behaviour, always echoing the generation it was
 * given. Deliberate actions (send anything, complete with any generation,
 * kill, close, reconnect) let the fuzzer go beyond the well-behaved path.
 * Every frame each way is recorded under the agent id.
 */
export class SimAgent {
  readonly agentId: string;
  readonly recorder: HistoryRecorder;
  private readonly options: SimAgentOptions;
  private behaviourNow: Behaviour;
  private completed = 0;
  private readonly received: ReceivedTask[] = [];
  private heldTask: HeldTask | null = null;
  /** The newest connection that opened. */
  private current: AgentConnection | undefined;
  /** Every connection not yet ended, the current one among them. */
  private readonly live = new Set<AgentConnection>();
  private readonly identifiedOn = new Set<number>();
  private readonly waiters = new Set<Waiter>();
  private delayTimer: TimerHandle | undefined;
  private readonly clock: Clock;
  private disposed = false;

  constructor(options: SimAgentOptions) {
    this.options = options;
    this.agentId = options.agentId;
    this.recorder = options.recorder ?? new HistoryRecorder();
    this.behaviourNow = options.behaviour ?? 'complete';
    this.clock = options.clock ?? systemClock;
  }

  get behaviour(): Behaviour {
    return this.behaviourNow;
  }

  /** Completions the hub acknowledged. */
  get completedCount(): number {
    return this.completed;
  }

  /** Every task_assign received, oldest first. */
  get receivedTasks(): readonly ReceivedTask[] {
    return this.received.slice();
  }

  /** The capability names this agent identifies with. */
  get capabilityNames(): string[] {
    return capabilityNames(this.options.capabilities);
  }

  get held(): Readonly<HeldTask> | null {
    return this.heldTask === null ? null : { ...this.heldTask };
  }

  /** The current connection is open. */
  get connected(): boolean {
    return this.current?.isOpen ?? false;
  }

  /** The current connection is open and the hub answered its identify with `identified`. */
  get identified(): boolean {
    return this.current !== undefined && this.current.isOpen && this.identifiedOn.has(this.current.id);
  }

  /** Id of the current connection, as recorded in the history. */
  get connectionId(): number | undefined {
    return this.current?.id;
  }

  /** Opens a new socket, which becomes the current connection once open. Other sockets stay as they are. */
  async connect(): Promise<number> {
    if (this.disposed) throw new Error(`${this.agentId}: disposed; cannot connect`);
    const connection = new AgentConnection({
      url: this.options.wsUrl,
      actor: this.agentId,
      recorder: this.recorder,
      transport: this.options.transport ?? wsTransport,
      connectTimeoutMs: this.options.connectTimeoutMs ?? 5_000,
      clock: this.clock,
      onReceive: (conn, received) => this.onReceive(conn, received),
      onEnd: (conn, end) => this.onEnd(conn, end),
    });
    this.live.add(connection);
    await connection.opened;
    this.current = connection;
    return connection.id;
  }

  /** Sends identify on the current connection; resolves with the hub's answer, `identified` or an error. */
  async identify(overrides: IdentifyOverrides = {}): Promise<Frame> {
    const conn = this.send(
      {
        type: 'identify',
        agent_id: overrides.agentId ?? this.agentId,
        token: overrides.token ?? this.options.token,
        name: this.options.name ?? `sim-${this.agentId}`,
        status: 'idle',
        capabilities: this.options.capabilities ?? [],
      },
      'identify',
    );
    return this.waitForFrame((frame) => frame.type === 'identified' || frame.type === 'error', {
      timeoutMs: this.options.replyTimeoutMs ?? 5_000,
      what: 'the answer to identify (identified or error)',
      conn,
    });
  }

  /**
   * connect, then identify; throws unless the hub answered `identified`. Like
   * a real sidecar coming back, an agent that still holds a task asks the hub
   * about it (task_recovering) and goes on only if told task_continue.
   */
  async start(): Promise<Frame> {
    // Only a task held from an earlier connection is in doubt; one pushed on this one is not.
    const held = this.heldTask;
    await this.connect();
    const reply = await this.identify();
    if (reply.type !== 'identified') {
      throw new Error(`${this.agentId}: identify refused: ${JSON.stringify(redactTokens(reply))}`);
    }
    if (held !== null && held === this.heldTask) {
      this.clearDelay();
      held.accepted = false;
      held.finishing = false;
      this.recover(held.taskId);
    }
    return reply;
  }

  /**
   * A new socket and identify. With `keepOld` the old sockets stay open (the
   * hub should replace the session); otherwise they are closed first.
   */
  async reconnect(options: { keepOld?: boolean } = {}): Promise<Frame> {
    if (!options.keepOld) await this.close();
    return this.start();
  }

  /** Switches behaviour; a task held but not yet finished gets the new one at once. */
  setBehaviour(behaviour: Behaviour): void {
    this.behaviourNow = behaviour;
    this.clearDelay();
    this.applyBehaviour();
  }

  /** Sends a frame on the current connection: JSON-encoded, or a string as is. Returns the connection id. */
  send(frame: unknown, what = 'a frame'): number {
    const conn = this.requireCurrent(what);
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    if (text === undefined) throw new TypeError(`${this.agentId}: ${String(frame)} has no JSON form`);
    conn.sendText(text, what);
    return conn.id;
  }

  sendBinary(data: Uint8Array): number {
    const conn = this.requireCurrent('a binary frame');
    conn.sendBinary(data);
    return conn.id;
  }

  accept(taskId: string): number {
    const conn = this.send({ type: 'task_accepted', task_id: taskId }, 'task_accepted');
    if (this.heldTask?.taskId === taskId) this.heldTask.accepted = true;
    return conn;
  }

  /** `generation` defaults to the one the agent knows for the task; left out when it knows none. */
  complete(taskId: string, generation?: unknown): number {
    const fenced = generation === undefined ? this.knownGeneration(taskId) : generation;
    const frame = {
      type: 'task_complete',
      task_id: taskId,
      ...(fenced === undefined ? {} : { generation: fenced }),
      result: (this.options.resultFor ?? ((): unknown => ({ output: `done by ${this.agentId}` })))(taskId),
      tokens_used: (this.options.tokensUsed ?? defaultTokensUsed)(taskId),
    };
    return this.sendOutcome(taskId, fenced, frame, 'task_complete');
  }

  /** `generation` as for complete. */
  fail(taskId: string, generation?: unknown, error = `simulated failure by ${this.agentId}`): number {
    const fenced = generation === undefined ? this.knownGeneration(taskId) : generation;
    const frame = { type: 'task_failed', task_id: taskId, ...(fenced === undefined ? {} : { generation: fenced }), error };
    return this.sendOutcome(taskId, fenced, frame, 'task_failed');
  }

  progress(taskId: string, progress?: number): number {
    return this.send(
      { type: 'task_progress', task_id: taskId, ...(progress === undefined ? {} : { progress }) },
      'task_progress',
    );
  }

  /** Asks the hub about a task after a reconnect; it answers task_continue or task_reassign. */
  recover(taskId: string): number {
    return this.send({ type: 'task_recovering', task_id: taskId }, 'task_recovering');
  }

  ping(): number {
    return this.send({ type: 'ping' }, 'ping');
  }

  /**
   * The next received JSON object on the connection that satisfies `predicate`
   * (frames that arrived before the call do not count). Rejects at the
   * deadline, or when that connection ends first.
   */
  waitForFrame(predicate: FramePredicate, options: WaitForFrameOptions): Promise<Frame> {
    const conn = options.conn ?? this.current?.id;
    const connection = [...this.live].find((candidate) => candidate.id === conn);
    if (connection === undefined) {
      return Promise.reject(new Error(`${this.agentId}: no live connection ${conn ?? ''} to wait for ${options.what} on`));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        conn: connection.id,
        what: options.what,
        predicate,
        resolve,
        reject,
        timer: this.clock.setTimeout(
          () => {
            const why = `timed out after ${options.timeoutMs} ms waiting for ${options.what} on connection ${connection.id}`;
            this.settle(waiter, new Error(`${this.agentId}: ${why}`));
          },
          options.timeoutMs,
          `${this.agentId} gives up waiting for ${options.what}`,
        ),
      };
      this.waiters.add(waiter);
    });
  }

  /** Destroys the TCP socket of the given connection, or of every one, without a close frame. */
  killConnection(options: { conn?: number } = {}): void {
    this.clearDelay();
    for (const connection of this.select(options.conn)) connection.kill();
  }

  /** Clean close of the given connection, or of every one; a socket that does not close in time is killed. */
  async close(options: { conn?: number; code?: number; reason?: string } = {}): Promise<void> {
    this.clearDelay();
    const timeoutMs = this.options.closeTimeoutMs ?? 2_000;
    await Promise.all(this.select(options.conn).map((connection) => connection.close(timeoutMs, options.code, options.reason)));
  }

  /** Kills every socket, clears every timer, fails every pending wait. Idempotent. */
  dispose(): void {
    this.disposed = true;
    this.clearDelay();
    for (const waiter of [...this.waiters]) this.settle(waiter, new Error(`${this.agentId}: disposed while waiting for ${waiter.what}`));
    for (const connection of this.live) connection.kill();
  }

  private select(conn: number | undefined): AgentConnection[] {
    return [...this.live].filter((connection) => conn === undefined || connection.id === conn);
  }

  private requireCurrent(what: string): AgentConnection {
    if (this.current === undefined || !this.current.isOpen) {
      throw new Error(`${this.agentId}: not connected; cannot send ${what}`);
    }
    return this.current;
  }

  private knownGeneration(taskId: string): number | undefined {
    if (this.heldTask?.taskId === taskId) return this.heldTask.generation;
    return this.received.filter((task) => task.taskId === taskId).at(-1)?.generation;
  }

  private sendOutcome(taskId: string, generation: unknown, frame: Frame, what: string): number {
    const conn = this.send(frame, what);
    // Only a genuine attempt (the held generation) makes the hub's answer settle the task.
    if (this.heldTask?.taskId === taskId && this.heldTask.generation === generation) {
      this.heldTask.finishing = true;
      this.clearDelay();
    }
    return conn;
  }

  private applyBehaviour(): void {
    const held = this.heldTask;
    const behaviour = this.behaviourNow;
    if (held === null || held.finishing || !this.connected || behaviour === 'ignore') return;
    if (!held.accepted) this.accept(held.taskId);
    if (behaviour === 'complete') this.complete(held.taskId);
    else if (behaviour === 'complete-and-crash') this.killConnection({ conn: this.complete(held.taskId) });
    else if (behaviour === 'fail') this.fail(held.taskId);
    else if (this.delayTimer === undefined) {
      this.delayTimer = this.clock.setTimeout(
        () => {
          this.delayTimer = undefined;
          const still = this.heldTask;
          if (still !== null && !still.finishing && this.connected) this.complete(still.taskId);
        },
        behaviour.delay,
        `${this.agentId} finishes ${held.taskId} after ${behaviour.delay} ms`,
      );
    }
  }

  private hold(taskId: string, generation: number): void {
    this.clearDelay();
    this.heldTask = { taskId, generation, accepted: false, finishing: false };
    this.applyBehaviour();
  }

  private drop(): void {
    this.heldTask = null;
    this.clearDelay();
  }

  private clearDelay(): void {
    if (this.delayTimer !== undefined) this.clock.clearTimeout(this.delayTimer);
    this.delayTimer = undefined;
  }

  private onReceive(connection: AgentConnection, received: Received): void {
    const frame = received.frame;
    if (!isFrame(frame)) return;
    this.react(connection, frame);
    for (const waiter of [...this.waiters]) {
      if (waiter.conn !== connection.id) continue;
      try {
        if (waiter.predicate(frame, connection.id)) this.settle(waiter, frame);
      } catch (err) {
        this.settle(waiter, err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  private react(connection: AgentConnection, frame: Frame): void {
    const taskId = typeof frame.task_id === 'string' ? frame.task_id : undefined;
    const generation = typeof frame.generation === 'number' ? frame.generation : undefined;
    switch (frame.type) {
      case 'identified':
        this.identifiedOn.add(connection.id);
        return;
      case 'task_assign':
        if (taskId === undefined || generation === undefined) return;
        this.received.push({
          taskId,
          generation,
          receivedAt: this.clock.now(),
          description: typeof frame.description === 'string' ? frame.description : '',
        });
        this.hold(taskId, generation);
        return;
      case 'task_continue':
        // The hub says the task is still ours: accept it afresh under this generation.
        if (taskId !== undefined && generation !== undefined) this.hold(taskId, generation);
        return;
      case 'task_reassign':
        if (taskId !== undefined && this.heldTask?.taskId === taskId) this.drop();
        return;
      case 'task_ack':
        if (frame.status === 'complete') this.completed++;
        if (taskId !== undefined && this.heldTask?.taskId === taskId && FINISHING_ACKS.has(String(frame.status))) this.drop();
        return;
      case 'error':
        if (this.heldTask?.finishing && typeof frame.error === 'string' && OWN_OUTCOME_ERROR.test(frame.error)) this.drop();
        return;
    }
  }

  private onEnd(connection: AgentConnection, end: ConnectionEnd): void {
    this.live.delete(connection);
    this.identifiedOn.delete(connection.id);
    for (const waiter of [...this.waiters]) {
      if (waiter.conn !== connection.id) continue;
      const why = `connection ${connection.id} ended (${end.by}, code ${end.code}${end.reason ? `, ${end.reason}` : ''})`;
      this.settle(waiter, new Error(`${this.agentId}: ${why} while waiting for ${waiter.what}`));
    }
  }

  private settle(waiter: Waiter, outcome: Frame | Error): void {
    this.clock.clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
    if (outcome instanceof Error) waiter.reject(outcome);
    else waiter.resolve(outcome);
  }
}
