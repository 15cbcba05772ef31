import { SimAgent, type Behaviour, type Capability } from '../../agents/sim-agent.js';
import { HistoryRecorder } from '../../history/recorder.js';
import { createHubClient, type HubClient } from '../../http/client.js';
import type { PriorityName } from '../../http/types.js';
import { startHub } from '../../hub/index.js';
import type { HubHandle, HubOptions, TimerSettings } from '../../hub/types.js';
import { cleanupAgents, createTestTokens } from '../agent-setup.js';

export interface SmokeOutcome {
  /** One line for the report. */
  summary: string;
  metrics: Record<string, number>;
}

export interface SmokeScenario {
  id: string;
  title: string;
  /** Starts a fresh hub with these options (plus the scenario's timer defaults); throws when the hub fails the scenario. */
  run(hubOptions?: HubOptions): Promise<SmokeOutcome>;
}

export interface SmokeAgentSpec {
  id: string;
  behaviour?: Behaviour;
  capabilities?: Capability[];
}

export interface SmokeContext {
  hub: HubHandle;
  /** Authenticated as the hub's admin; records into `recorder`. */
  client: HubClient;
  recorder: HistoryRecorder;
  /** Mints tokens, then connects and identifies every agent (in the order given); they are cleaned up with the hub. */
  startAgents<const S extends readonly SmokeAgentSpec[]>(specs: S): Promise<{ [K in keyof S]: SimAgent }>;
  /** Submits one task; returns its id. */
  submit(description: string, priority?: PriorityName): Promise<string>;
}

/** A scenario's own verdict: the hub did not do what the scenario expects. */
export class SmokeFailure extends Error {
  override readonly name = 'SmokeFailure';
}

export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new SmokeFailure(message);
}

/** The caller's options win over the scenario's timer defaults. */
export function withTimerDefaults(hubOptions: HubOptions, defaults: Partial<TimerSettings>): HubOptions {
  return { ...hubOptions, timers: { ...defaults, ...hubOptions.timers } };
}

/**
 * Runs `body` against a fresh embedded hub, then closes every agent, the
 * client and the hub whatever happened. A failure of the body wins over a
 * failure of the teardown.
 */
export async function withSmokeHub<T>(hubOptions: HubOptions, body: (ctx: SmokeContext) => Promise<T>): Promise<T> {
  const hub = await startHub(hubOptions);
  const recorder = new HistoryRecorder();
  const client = createHubClient({ baseUrl: hub.url, token: hub.adminToken, recorder });
  const agents: SimAgent[] = [];

  const ctx: SmokeContext = {
    hub,
    client,
    recorder,
    async startAgents(specs) {
      const tokens = await createTestTokens(client, specs.map((spec) => spec.id));
      const started = specs.map(
        (spec) =>
          new SimAgent({
            agentId: spec.id,
            token: tokens.get(spec.id) ?? '',
            wsUrl: hub.wsUrl,
            capabilities: spec.capabilities ?? [],
            behaviour: spec.behaviour ?? 'complete',
            recorder,
          }),
      );
      agents.push(...started);
      await Promise.all(started.map((agent) => agent.start()));
      return started as { [K in keyof typeof specs]: SimAgent };
    },
    async submit(description, priority = 'normal') {
      return (await client.submitTask({ description, priority })).task_id;
    },
  };

  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await body(ctx) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  const teardownErrors: unknown[] = [];
  const note = (error: unknown): void => {
    teardownErrors.push(error);
  };
  // Agents first, so they leave a running hub cleanly.
  await cleanupAgents(agents, client).catch(note);
  await client.close().catch(note);
  await hub.stop().catch(note);
  if (!outcome.ok) throw outcome.error;
  if (teardownErrors.length > 0) throw teardownErrors[0];
  return outcome.value;
}
