import type { Task } from './task.js';

/**
 * What the core asks the store to make durable. Replaying the records in
 * order rebuilds the durable state: tasks (main table and dead letters, with
 * their generations and retry counts) and tokens. Agent sessions are not here.
 */
export type StoreRecord =
  /** The whole task as it now is; the last record for an id wins. */
  | { kind: 'task'; task: Task }
  | { kind: 'token'; token: string; agent_id: string }
  /** Every token of this agent is revoked. */
  | { kind: 'revoke'; agent_id: string }
  /** The built-in admin agent's token, handed to whoever started the hub. */
  | { kind: 'admin_token'; token: string };

export interface DurableSnapshot {
  tasks: Task[];
  /** token -> agent_id, in issue order. */
  tokens: Array<[string, string]>;
  adminToken: string | null;
}

export function emptySnapshot(): DurableSnapshot {
  return { tasks: [], tokens: [], adminToken: null };
}

export function foldRecords(records: Iterable<StoreRecord>, into: DurableSnapshot = emptySnapshot()): DurableSnapshot {
  const tasks = new Map(into.tasks.map((task) => [task.id, task]));
  const tokens = new Map(into.tokens);
  let adminToken = into.adminToken;
  for (const record of records) {
    switch (record.kind) {
      case 'task':
        tasks.set(record.task.id, record.task);
        break;
      case 'token':
        tokens.set(record.token, record.agent_id);
        break;
      case 'revoke':
        for (const [token, agentId] of tokens) if (agentId === record.agent_id) tokens.delete(token);
        break;
      case 'admin_token':
        adminToken = record.token;
        break;
    }
  }
  return { tasks: [...tasks.values()], tokens: [...tokens], adminToken };
}

/** The shortest record list that folds back into the snapshot (for compaction). */
export function snapshotRecords(snapshot: DurableSnapshot): StoreRecord[] {
  const records: StoreRecord[] = [];
  if (snapshot.adminToken !== null) records.push({ kind: 'admin_token', token: snapshot.adminToken });
  for (const [token, agent_id] of snapshot.tokens) records.push({ kind: 'token', token, agent_id });
  for (const task of snapshot.tasks) records.push({ kind: 'task', task });
  return records;
}
