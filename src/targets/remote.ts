/**
 * A running AgentCom hub reached over the network (`--hub URL`): shared,
 * persistent, not ours. Each run gets its own agent-id prefix and capability
 * so it neither disturbs nor is disturbed by whatever else uses the hub, and
 * leaves no valid token behind.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { TimerSettings } from '../../models/history.js';
import { createHubClient, type HubClient } from '../http/client.js';
import { HubHttpError, HubUnreachableError } from '../http/errors.js';
import { waitFor } from '../testing/wait-for.js';
import type { Target, TargetFactory } from './target.js';

export interface RemoteTargetOptions {
  /** e.g. http://127.0.0.1:4000 */
  url: string;
  /** Mints and revokes the agents' tokens. Never printed. */
  adminToken: string;
  /** What the hub's timers are assumed to be: liveness bounds and waits follow them. */
  timers: TimerSettings;
  /** Shell command that restarts the hub; without one, runs never restart it. */
  restartCommand?: string;
  /** Told when something could not be cleaned up (never with a token in it). */
  onWarning?: (message: string) => void;
}

/** The hub cannot be fuzzed as configured (unreachable, token refused): bad usage, not a finding. */
export class RemoteHubUnusable extends Error {
  override readonly name = 'RemoteHubUnusable';
}

/** Each of the two checks before the first run; together they stay well inside 10 s. */
const CHECK_DEADLINE_MS = 3_000;
const RESTART_COMMAND_DEADLINE_MS = 60_000;
const HEALTH_AFTER_RESTART_MS = 30_000;
/** Per request; listing and revoking together stay inside the runner's 10 s teardown deadline. */
const CLEANUP_DEADLINE_MS = 3_000;

/** Passed to --restart-cmd: whether the run asked for a crash (kill -9) or a clean stop. */
export const RESTART_KIND_ENV = 'AGENTCOM_FUZZ_RESTART';

function wsUrlOf(url: string): string {
  const ws = new URL(url);
  ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:';
  ws.pathname = `${ws.pathname.replace(/\/+$/, '')}/ws`;
  return ws.toString();
}

async function withClient<T>(url: string, adminToken: string, timeoutMs: number, work: (client: HubClient) => Promise<T>): Promise<T> {
  const client = createHubClient({ baseUrl: url, token: adminToken, timeoutMs });
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

function unusable(url: string, route: string, error: unknown): RemoteHubUnusable {
  if (error instanceof HubUnreachableError) return new RemoteHubUnusable(`cannot reach the hub at ${url}: ${error.reason}`);
  if (error instanceof HubHttpError && error.status === 401) {
    return new RemoteHubUnusable(`the hub at ${url} refused the admin token (401): check AGENTCOM_TOKEN or --token-file`);
  }
  if (error instanceof HubHttpError) return new RemoteHubUnusable(`the hub at ${url} answered ${error.status} to ${route}`);
  return new RemoteHubUnusable(`the hub at ${url} failed ${route}: ${(error as Error).message}`);
}

/**
 * Before the first run: the hub answers /health, and takes the admin token
 * on the token routes every run needs. Throws RemoteHubUnusable otherwise.
 */
export async function checkRemoteHub(url: string, adminToken: string): Promise<void> {
  await withClient(url, adminToken, CHECK_DEADLINE_MS, async (client) => {
    await client.health().catch((error: unknown) => {
      throw unusable(url, 'GET /health', error);
    });
    await client.listTokens().catch((error: unknown) => {
      throw unusable(url, 'GET /admin/tokens', error);
    });
  });
}

async function waitForHealth(client: HubClient, timeoutMs: number, what: string): Promise<void> {
  await waitFor(() => client.health().then(() => true), { timeoutMs, intervalMs: 100, what });
}

/** `--reset`: POST /api/admin/reset (admin agents only), then wait until the hub answers again. */
export async function resetRemoteHub(url: string, adminToken: string): Promise<void> {
  await withClient(url, adminToken, CHECK_DEADLINE_MS, async (client) => {
    await client.adminReset().catch((error: unknown) => {
      if (error instanceof HubHttpError && error.status === 403) {
        throw new RemoteHubUnusable(`--reset needs the token of one of the hub's admin agents; the hub at ${url} answered 403`);
      }
      throw unusable(url, 'POST /api/admin/reset', error);
    });
    await waitForHealth(client, HEALTH_AFTER_RESTART_MS, `${url}/health after the reset`);
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group ended between the deadline and the kill: nothing left to stop.
  }
}

/** Runs the user's restart command through the shell, killing its process group at the deadline. */
function runRestartCommand(command: string, crash: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    // stdout goes to stderr too, so the fuzzer's own stdout (--json) stays one document.
    const child = spawn(command, {
      shell: true,
      detached: true,
      stdio: ['ignore', 2, 2],
      env: { ...process.env, [RESTART_KIND_ENV]: crash ? 'crash' : 'clean' },
    });
    const timer = setTimeout(() => {
      killGroup(child.pid);
      reject(new Error(`--restart-cmd did not finish within ${RESTART_COMMAND_DEADLINE_MS} ms`));
    }, RESTART_COMMAND_DEADLINE_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`--restart-cmd could not start: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`--restart-cmd exited with ${code === null ? `signal ${signal}` : `code ${code}`}`));
    });
  });
}

/** Revokes every token of every agent id under the run's prefix, whoever minted it. */
async function revokeNamespace(client: HubClient, namespace: string): Promise<void> {
  const { tokens } = await client.listTokens();
  const ours = new Set(tokens.map((entry) => entry.agent_id).filter((id) => id.startsWith(namespace)));
  await Promise.all([...ours].map((id) => client.revokeToken(id)));
}

export function remoteTargets(options: RemoteTargetOptions): TargetFactory {
  const { url, adminToken, timers, restartCommand } = options;
  const wsUrl = wsUrlOf(url);
  const canRestart = restartCommand !== undefined;
  let reviving: Promise<void> | undefined;
  async function restart(crash: boolean): Promise<void> {
    if (restartCommand === undefined) throw new Error('this hub cannot be restarted: no --restart-cmd');
    await runRestartCommand(restartCommand, crash);
    await withClient(url, adminToken, CHECK_DEADLINE_MS, (client) =>
      waitForHealth(client, HEALTH_AFTER_RESTART_MS, `${url}/health after --restart-cmd`),
    );
  }
  return {
    kind: 'remote',
    timers,
    canRestart,
    faults: [],
    checkAlive: () =>
      withClient(url, adminToken, CHECK_DEADLINE_MS, (client) => client.health()).then(
        () => null,
        (error: unknown) => (error instanceof HubUnreachableError ? error.reason : (error as Error).message),
      ),
    // Slots and a shrinker may find the hub down at once: one restart serves them all.
    ...(canRestart ? { revive: () => (reviving ??= restart(true).finally(() => (reviving = undefined))) } : {}),
    async open(): Promise<Target> {
      const runId = randomBytes(4).toString('hex');
      const namespace = `fz-${runId}-`;
      return {
        kind: 'remote',
        url,
        wsUrl,
        adminToken,
        timers,
        canRestart,
        namespace,
        isolationCapability: `fz-${runId}`,
        restart,
        async dispose(): Promise<void> {
          await withClient(url, adminToken, CLEANUP_DEADLINE_MS, (client) => revokeNamespace(client, namespace)).catch(
            (error: unknown) => options.onWarning?.(`could not revoke the tokens of agents ${namespace}*: ${(error as Error).message}`),
          );
        },
      };
    },
  };
}
