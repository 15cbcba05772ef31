import type { SimAgent } from '../agents/sim-agent.js';
import { REPLY_DEADLINE_MS } from './run-context.js';

const REPLY_TYPES = new Set(['identified', 'error', 'pong', 'task_ack', 'task_continue', 'task_reassign']);

/** A hub answer (not a push) on the agent's connection. */
export function isReply(frame: unknown): boolean {
  return typeof frame === 'object' && frame !== null && REPLY_TYPES.has(String((frame as { type?: unknown }).type));
}

/**
 * Send a deliberate frame and wait for an answer, or for the socket to end;
 * a missing answer is the model's to judge.
 */
export async function sendAndAwaitReply(agent: SimAgent, send: () => void, what: string): Promise<void> {
  const reply = agent.waitForFrame(isReply, { timeoutMs: REPLY_DEADLINE_MS, what });
  send();
  await reply.catch(() => undefined);
}
