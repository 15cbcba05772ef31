/**
 * The fuzzer's vocabulary: every action is plain data, so a shrunk
 * counterexample can be printed, saved to a file and replayed without
 * fast-check. Agents are named by index into the run's agent ids; what an
 * action touches (the task an agent holds, its generation) is resolved when it
 * runs, because only then is it known.
 */

import type { Behaviour } from '../agents/sim-agent.js';
import { describeHostileFrame, describeHostileRequest, type HostileFrame, type HostileRequest } from './hostile.js';

export type { Behaviour };

export type PriorityInput = 'urgent' | 'high' | 'normal' | 'low' | 'unknown-name' | number;

/** How a deliberately wrong generation is derived from the one the agent holds. */
export type StaleGeneration = 'minus-one' | 'plus-one' | 'zero' | 'missing' | 'as-string';

export type Action =
  | { kind: 'connect'; agent: number; capabilities: string[]; behaviour: Behaviour }
  | { kind: 'identify-bad-token'; agent: number; token: 'wrong' | 'other-agent' }
  | { kind: 'set-behaviour'; agent: number; behaviour: Behaviour }
  | { kind: 'accept-late'; agent: number }
  | { kind: 'progress'; agent: number }
  | { kind: 'kill'; agent: number }
  | { kind: 'close'; agent: number }
  | { kind: 'reconnect'; agent: number; keepOld: boolean }
  | { kind: 'recover'; agent: number; task: 'held' | 'not-held' }
  /** The agent holding a task (whichever does) reports on it with a wrong generation. */
  | { kind: 'stale-generation'; op: 'complete' | 'fail'; generation: StaleGeneration }
  /** Whoever is connected probes a task another agent holds: the probe matters, not which agent sends it. */
  | { kind: 'foreign-task'; op: 'complete' | 'fail' }
  | {
      kind: 'submit';
      priority: PriorityInput;
      capabilities: string[];
      maxRetries: number;
      completeBy: 'none' | 'past' | 'near';
    }
  | { kind: 'retry-dead-letter' }
  | { kind: 'observe'; view: 'tasks' | 'task' | 'stats' | 'dead-letter' | 'agents' }
  | { kind: 'wait'; ms: number }
  | { kind: 'restart-hub'; crash: boolean }
  /** A malformed, mistyped or oversized HTTP request. */
  | { kind: 'hostile-http'; request: HostileRequest }
  /** A malformed frame on the agent's own identified socket, or on a fresh one that never identified. */
  | { kind: 'hostile-ws'; agent: number; socket: 'own' | 'fresh'; frame: HostileFrame }
  /** Simulation only: the agent's link turns slow, every later message either way `ms` late. */
  | { kind: 'delay-link'; agent: number; ms: number }
  /** Simulation only: the agent's connection drops, and what was in flight either way is lost. */
  | { kind: 'drop-link'; agent: number }
  /** Simulation only: the agent's host vanishes; the hub is not told and must notice by its idle timeout. */
  | { kind: 'half-open'; agent: number };

export type ActionKind = Action['kind'];

/** Kinds only a simulated network can play; never generated against a real one. */
export const SIMULATION_ONLY: ReadonlySet<ActionKind> = new Set<ActionKind>(['delay-link', 'drop-link', 'half-open']);

function behaviourText(b: Behaviour): string {
  return typeof b === 'string' ? b : `delay ${b.delay} ms`;
}

function capsText(caps: string[]): string {
  return caps.length === 0 ? 'no capabilities' : `[${caps.join(', ')}]`;
}

/** One readable line per action, as printed in a counterexample. */
export function describeAction(action: Action, agentIds: readonly string[]): string {
  const who = 'agent' in action ? (agentIds[action.agent] ?? `agent#${action.agent}`) : '';
  switch (action.kind) {
    case 'connect':
      return `${who}: connect and identify with ${capsText(action.capabilities)}, behaviour ${behaviourText(action.behaviour)}`;
    case 'identify-bad-token':
      return `${who}: identify on a new socket with ${action.token === 'wrong' ? 'a wrong token' : "another agent's token"}`;
    case 'set-behaviour':
      return `${who}: switch behaviour to ${behaviourText(action.behaviour)}`;
    case 'accept-late':
      return `${who}: send task_accepted for the task it holds`;
    case 'progress':
      return `${who}: send task_progress for the task it holds`;
    case 'kill':
      return `${who}: kill the connection (no close frame)`;
    case 'close':
      return `${who}: close the connection cleanly`;
    case 'reconnect':
      return action.keepOld
        ? `${who}: identify on a second socket while the first is still open`
        : `${who}: reconnect (close, then connect and identify again)`;
    case 'recover':
      return `${who}: send task_recovering for ${action.task === 'held' ? 'the task it holds' : 'a task it does not hold'}`;
    case 'stale-generation':
      return `an agent holding a task sends task_${action.op === 'complete' ? 'complete' : 'failed'} for it with generation ${action.generation}`;
    case 'foreign-task':
      return `a connected agent sends task_${action.op === 'complete' ? 'complete' : 'failed'} for a task another agent holds, with its generation`;
    case 'submit': {
      const due = action.completeBy === 'none' ? '' : `, complete_by ${action.completeBy}`;
      return `submit a task: priority ${JSON.stringify(action.priority)}, needs ${capsText(action.capabilities)}, max_retries ${action.maxRetries}${due}`;
    }
    case 'retry-dead-letter':
      return 'retry the oldest dead-lettered task';
    case 'observe':
      return `observe over HTTP: ${action.view}`;
    case 'wait':
      return `wait ${action.ms} ms`;
    case 'restart-hub':
      return action.crash ? 'crash the hub and restart it on the same data dir' : 'restart the hub on the same data dir';
    case 'hostile-http':
      return `send ${describeHostileRequest(action.request)}`;
    case 'hostile-ws':
      return action.socket === 'own'
        ? `an identified agent (one holding a task, if any) sends ${describeHostileFrame(action.frame)} on its socket`
        : `${who}: send ${describeHostileFrame(action.frame)} on a fresh socket`;
    case 'delay-link':
      return `${who}: its link turns slow, every message either way ${action.ms} ms late`;
    case 'drop-link':
      return `${who}: its connection drops, losing what is in flight either way`;
    case 'half-open':
      return `${who}: its host vanishes without the hub hearing of it (half-open until the idle timeout)`;
  }
}
