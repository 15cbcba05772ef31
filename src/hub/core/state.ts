import type { DurableSnapshot } from './durable.js';
import type { Task } from './task.js';

export type FsmState = 'idle' | 'assigned' | 'working';

/** The assignment an agent holds: fencing compares against this. */
export interface Holding {
  taskId: string;
  generation: number;
}

/** One identified agent on one socket. Not durable: it ends with its socket. */
export interface AgentSession {
  agentId: string;
  connId: number;
  name: string | null;
  capabilities: string[];
  fsm: FsmState;
  /** `/api/agents/states` shows `unknown` until the first transition. */
  transitioned: boolean;
  holding: Holding | null;
  acceptanceTimer: string | null;
  flags: Set<string>;
  connectedAt: number;
  /** Join order: scheduling offers tasks to idle agents in this order. */
  joinSeq: number;
}

export interface Connection {
  id: number;
  /** The agent this socket speaks for, once identified; null again once replaced. */
  agentId: string | null;
  /** A close was asked for: frames still arriving are ignored. */
  closing: boolean;
  lastActivity: number;
  idleTimer: string;
}

interface TimerBase {
  id: string;
  dueAt: number;
}

export type TimerSpec =
  | (TimerBase & { kind: 'acceptance'; agentId: string; taskId: string; generation: number })
  | (TimerBase & { kind: 'overdue_sweep' })
  | (TimerBase & { kind: 'stuck_sweep' })
  | (TimerBase & { kind: 'scheduling_sweep' })
  | (TimerBase & { kind: 'ws_idle'; connId: number });

/** Everything the hub knows. Updated in place by the core, one event at a time. */
export interface HubState {
  /** Main table and dead letters alike; `status` tells them apart. */
  tasks: Map<string, Task>;
  /** token -> agent_id */
  tokens: Map<string, string>;
  adminToken: string;
  conns: Map<number, Connection>;
  agents: Map<string, AgentSession>;
  timers: Map<string, TimerSpec>;
  nextTaskSeq: number;
  nextTimer: number;
  nextJoin: number;
}

export function stateFromSnapshot(snapshot: DurableSnapshot, adminToken: string): HubState {
  const tasks = new Map(snapshot.tasks.map((task) => [task.id, structuredClone(task)]));
  let maxSeq = -1;
  for (const task of tasks.values()) maxSeq = Math.max(maxSeq, task.seq);
  return {
    tasks,
    tokens: new Map(snapshot.tokens),
    adminToken,
    conns: new Map(),
    agents: new Map(),
    timers: new Map(),
    nextTaskSeq: maxSeq + 1,
    nextTimer: 1,
    nextJoin: 1,
  };
}
