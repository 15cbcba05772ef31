import type { SimAgent } from '../agents/sim-agent.js';
import type { HubClient } from '../http/client.js';

/** Mints one token per agent id; agent id -> token. */
export async function createTestTokens(client: HubClient, agentIds: readonly string[]): Promise<Map<string, string>> {
  const minted = await Promise.all(agentIds.map((agentId) => client.mintToken(agentId)));
  return new Map(minted.map(({ agent_id, token }) => [agent_id, token]));
}

/**
 * Closes every agent cleanly (killing what does not close in time), disposes
 * them, and revokes their tokens when a client is given. Every step runs
 * even if an earlier one failed; the failures are thrown together at the end.
 */
export async function cleanupAgents(agents: readonly SimAgent[], client?: HubClient): Promise<void> {
  const closing = await Promise.allSettled(agents.map((agent) => agent.close()));
  for (const agent of agents) agent.dispose();
  const agentIds = [...new Set(agents.map((agent) => agent.agentId))];
  const revoking = client === undefined ? [] : await Promise.allSettled(agentIds.map((agentId) => client.revokeToken(agentId)));
  const failures = [...closing, ...revoking].flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  if (failures.length > 0) throw new AggregateError(failures, `cleaning up ${agents.length} agents: ${failures.length} steps failed`);
}
