/** Request and answer shapes of the hub's HTTP routes (docs/protocol.md#http-routes). */
import type { TaskView } from '../../models/history.js';

export type { TaskView };

export type TaskStatus = TaskView['status'];
export type PriorityName = 'urgent' | 'high' | 'normal' | 'low';

export interface SubmitTaskBody {
  description: string;
  /**
   * By name; the answer carries the integer (0 urgent … 3 low). Any other
   * string, and a number, is taken as normal: both are allowed so odd input
   * can go through the typed call.
   */
  priority?: PriorityName | (string & {}) | number;
  metadata?: Record<string, unknown>;
  max_retries?: number;
  complete_by?: number | null;
  needed_capabilities?: string[];
}

export interface HealthReply {
  status: 'ok';
  service: string;
  agents_connected: number;
}

export interface SubmitTaskReply {
  status: 'queued';
  task_id: string;
  priority: number;
  created_at: number;
}

export interface TaskListFilter {
  status?: TaskStatus;
  priority?: PriorityName;
  assigned_to?: string;
}

export interface TaskListReply {
  tasks: TaskView[];
  count: number;
}

export interface StatsReply {
  /** Only statuses with a count appear. */
  by_status: Partial<Record<TaskStatus, number>>;
  /** Keyed by the priority integer as a string; only priorities with a count appear. */
  by_priority: Record<string, number>;
  dead_letter: number;
  queued_index_size: number;
}

export interface RetryReply {
  status: 'requeued';
  task_id: string;
  priority: number;
}

export interface MintTokenReply {
  agent_id: string;
  token: string;
}

/** The contract gives only "token prefixes"; these shapes are the reference hub's (docs/protocol.md#http-routes). */
export interface TokenListReply {
  tokens: Array<{ agent_id: string; token_prefix: string }>;
  count: number;
}

export interface RevokeTokenReply {
  status: 'revoked';
  agent_id: string;
  /** How many tokens were revoked. */
  count: number;
}

export interface AgentStateView {
  agent_id: string;
  fsm_state: string;
  current_task_id: string | null;
  capabilities: string[];
  flags: string[];
  [field: string]: unknown;
}

export interface AgentStatesReply {
  agents: AgentStateView[];
}

export interface AdminResetReply {
  status: 'reset_scheduled';
  [field: string]: unknown;
}
