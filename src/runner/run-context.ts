import { networkEnvironment, type RunEnvironment } from '../env/environment.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { createHubClient, type HubClient } from '../http/client.js';
import { SimAgent, type Behaviour } from '../agents/sim-agent.js';
import type { Target } from '../targets/target.js';

/**
 * How long a probe waits for its subject (a held task, a dead letter), which
 * is often a moment away. Only where waiting is free: in simulation virtual
 * time costs nothing, while over a real network every run would pay it.
 */
const SUBJECT_WAIT_MS = { sim: 250, network: 0 } as const;

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

  /** A live agent working on a task it has not yet reported, waiting briefly for one. */
  async agentHoldingATask(): Promise<SimAgent | undefined> {
    const { clock } = this.env;
    const deadline = clock.monotonicNow() + this.subjectWaitMs;
    for (;;) {
      const holder = this.liveAgents().find((agent) => agent.held !== null && !agent.held.finishing);
      if (holder) return holder;
      const left = deadline - clock.monotonicNow();
      if (left <= 0 || this.closed) return undefined;
      await this.nextEventOrTimeout(left);
    }
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
