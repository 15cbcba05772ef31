import { networkEnvironment, type RunEnvironment } from '../env/environment.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { createHubClient, type HubClient } from '../http/client.js';
import { SimAgent, type Behaviour } from '../agents/sim-agent.js';
import { REACTION_SLACK_MS } from '../../models/bounds.js';
import { includesAll } from '../../models/frames.js';
import type { Target } from '../targets/target.js';
import { terminalByFrames } from './ended-tasks.js';

/**
 * How long a probe waits for its subject (a held task, a dead letter), which
 * is often a moment away. Only where waiting is free: in simulation virtual
 * time costs nothing, while over a real network every run would pay it.
 */
const SUBJECT_WAIT_MS = { sim: 250, network: 0 } as const;

/**
 * How long a probe waits for a held task while the hub owes a push (a task
 * of ours waits and an idle agent could take it): twice what the model gives
 * a correct hub, so a hub that only schedules on a timer still hands the probe
 * its task, and one slow scheduler does not hide the defects that only show
 * on a held task. A correct hub owes nothing here, and no run pays it.
 */
const OWED_PUSH_WAIT_MS = 2 * REACTION_SLACK_MS + 100;

/** How long one action may wait for the hub's answer before the run moves on. */
export const REPLY_DEADLINE_MS = 2_000;

/**
 * Everything one run touches, so that every socket, pool and timer it opened
 * can be closed at the end whatever happened.
 */
export class RunContext {
  readonly client: HubClient;
  readonly agents = new Map<string, SimAgent>();
  /** Throwaway sockets (bad-token identifies) closed with the run. */
  readonly strays = new Set<SimAgent>();
  /** Task ids the hub accepted from us, in submission order. */
  readonly submitted: string[] = [];
  /** The capabilities each of those tasks needs. */
  readonly needs = new Map<string, readonly string[]>();
  /** The target's world: every wait, socket and request of the run goes through it. */
  readonly env: RunEnvironment;
  private readonly tokens = new Map<string, string>();
  private disposed = false;

  constructor(
    readonly target: Target,
    readonly recorder: HistoryRecorder,
    readonly agentIds: readonly string[],
  ) {
    this.env = target.environment ?? networkEnvironment;
    this.client = createHubClient({
      baseUrl: target.url,
      token: target.adminToken,
      recorder,
      actor: 'http',
      timeoutMs: REPLY_DEADLINE_MS,
      carriage: this.env.http,
      clock: this.env.clock,
    });
  }

  agentId(index: number): string {
    const id = this.agentIds[index];
    if (id === undefined) throw new Error(`no agent #${index} in this run`);
    return id;
  }

  async tokenFor(agentId: string): Promise<string> {
    const known = this.tokens.get(agentId);
    if (known) return known;
    const { token } = await this.client.mintToken(agentId);
    this.tokens.set(agentId, token);
    return token;
  }

  /** A well-formed token that the hub never issued. */
  unknownToken(): string {
    return this.env.randomHex(32);
  }

  /** The run's isolation capability, if any, added to what an agent has or a task needs. */
  isolate(capabilities: readonly string[]): string[] {
    const extra = this.target.isolationCapability;
    return extra === null ? [...capabilities] : [...capabilities, extra];
  }

  async newAgent(agentId: string, capabilities: readonly string[], behaviour: Behaviour): Promise<SimAgent> {
    return new SimAgent({
      agentId,
      token: await this.tokenFor(agentId),
      wsUrl: this.target.wsUrl,
      capabilities: this.isolate(capabilities),
      behaviour,
      recorder: this.recorder,
      connectTimeoutMs: REPLY_DEADLINE_MS,
      transport: this.env.transport,
      clock: this.env.clock,
    });
  }

  /** Agents whose newest connection is open and identified. */
  liveAgents(): SimAgent[] {
    return [...this.agents.values()].filter((agent) => agent.connected && agent.identified);
  }

  /** Resolves on the next history event or after `ms`, whichever comes first: waits on events, not sleeps. */
  nextEventOrTimeout(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const { clock } = this.env;
      const timer = clock.setTimeout(done, ms);
      const unsubscribe = this.recorder.onEvent(done);
      function done(): void {
        clock.clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
  }

  /** Where waiting is free (`sim`) or costs every run its wall time (`network`): settings that differ by it are keyed by it. */
  get mode(): 'sim' | 'network' {
    return this.target.kind === 'sim' ? 'sim' : 'network';
  }

  get subjectWaitMs(): number {
    return SUBJECT_WAIT_MS[this.mode];
  }

  /** A live agent working on a task it has not yet reported, waiting briefly for one (longer while the hub owes a push). */
  agentHoldingATask(): Promise<SimAgent | undefined> {
    return this.waitFor(() => this.liveAgents().find((agent) => agent.held !== null && !agent.held.finishing));
  }

  /** `agent`, while live and holding a task, waiting only while the hub owes it a push. */
  holding(agent: SimAgent): Promise<SimAgent | undefined> {
    const found = (): SimAgent | undefined => (agent.held !== null && agent.connected && agent.identified ? agent : undefined);
    return this.waitFor(found, { to: agent, subjectWait: false });
  }

  /**
   * Returns once the hub owes no push and no live agent awaits its answer to a
   * report (the answer may requeue the task, owing another push), or once it
   * has had as long as a probe gives it.
   */
  async pushesDelivered(): Promise<void> {
    await this.waitFor(() => (this.pushesOwed().length > 0 || this.awaitingAnswers() ? undefined : true), {
      subjectWait: false,
      whileAnswering: true,
    });
  }

  /**
   * `found()` once it is defined; otherwise waits on events, for the subject
   * wait (where waiting is free) and, while the hub owes a push (or, with
   * `whileAnswering`, an answer to a report), up to OWED_PUSH_WAIT_MS, then gives up.
   */
  private async waitFor<T>(
    found: () => T | undefined,
    options: { to?: SimAgent; subjectWait?: boolean; whileAnswering?: boolean } = {},
  ): Promise<T | undefined> {
    const { clock } = this.env;
    const started = clock.monotonicNow();
    let askedAbout = '';
    let hubSaysOwed = false;
    for (;;) {
      const value = found();
      if (value !== undefined) return value;
      const waiting = this.pushesOwed(options.to);
      // Our view can be behind the hub's (a task on a gone agent, an ack lost with its socket): the hub's list decides,
      // asked again only when what we wait for changes.
      const about = waiting.join();
      if (waiting.length > 0 && about !== askedAbout) {
        askedAbout = about;
        hubSaysOwed = await this.hubStillOwes(waiting);
      }
      const owed = (waiting.length > 0 && hubSaysOwed) || (options.whileAnswering === true && this.awaitingAnswers());
      const bound = Math.max(options.subjectWait === false ? 0 : this.subjectWaitMs, owed ? OWED_PUSH_WAIT_MS : 0);
      const waited = clock.monotonicNow() - started;
      if (waited >= bound || this.closed) return undefined;
      await this.nextEventOrTimeout(bound - waited);
    }
  }

  /** A live agent has reported on the task it holds and waits for the hub's ack. */
  private awaitingAnswers(): boolean {
    return this.liveAgents().some((agent) => agent.held?.finishing === true);
  }

  /**
   * Our tasks that no live agent holds and no ack has ended, while an idle
   * live agent (`to`, if given) has every capability they need: a correct hub
   * would have pushed them already.
   */
  private pushesOwed(to?: SimAgent): string[] {
    const live = this.liveAgents();
    const idle = (to === undefined ? live : live.filter((agent) => agent === to)).filter((agent) => agent.held === null);
    if (idle.length === 0 || this.submitted.length === 0) return [];
    const held = new Set(live.flatMap((agent) => (agent.held === null ? [] : [agent.held.taskId])));
    const ended = terminalByFrames(this.recorder.snapshot());
    return this.submitted.filter((id) => {
      if (held.has(id) || ended.has(id)) return false;
      const needs = this.needs.get(id) ?? [];
      return idle.some((agent) => includesAll(agent.capabilityNames, needs));
    });
  }

  /** The hub has one of `ids` queued, or assigned to a live agent of ours that has not received it yet (its push in flight). */
  private async hubStillOwes(ids: readonly string[]): Promise<boolean> {
    const listed = await this.client.listTasks().catch(() => undefined);
    const awaiting = new Map(this.liveAgents().map((agent) => [agent.agentId, agent.held?.taskId]));
    return (
      listed?.tasks.some(
        (task) =>
          ids.includes(task.id) &&
          (task.status === 'queued' || (task.status === 'assigned' && task.assigned_to != null && awaiting.has(task.assigned_to) && awaiting.get(task.assigned_to) !== task.id)),
      ) ?? false
    );
  }

  /** The run is over (finished, timed out or interrupted): loops still waiting must give up. */
  get closed(): boolean {
    return this.disposed;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const agent of [...this.agents.values(), ...this.strays]) agent.dispose();
    await this.client.close();
  }
}
