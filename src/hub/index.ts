import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreEnv } from './core/hub-core.js';
import type { IdSource } from './core/ids.js';
import { parseFaults, type FaultSet } from './faults/catalogue.js';
import { HubRuntime } from './net/hub-runtime.js';
import { hostForUrl, loopbackHost } from './net/loopback.js';
import { randomIds } from './net/random-ids.js';
import { realClock } from './net/real-clock.js';
import { FileStore } from './store/file-store.js';
import type { HubStore } from './store/hub-store.js';
import { applyStoreFaults } from './store/store-faults.js';
import { AGENTCOM_TIMERS, type HubClock, type HubHandle, type HubOptions, type TimerSettings } from './types.js';

export { AGENTCOM_TIMERS } from './types.js';
export type { HubClock, HubHandle, HubOptions, TimerSettings } from './types.js';
export { FAULT_CATALOGUE, type FaultName } from './faults/catalogue.js';
export { LOG_FILE_NAME, encodeRecord } from './store/log-format.js';

/** Options only the project's own code needs (a simulation's deterministic ids). */
export interface InternalHubOptions extends HubOptions {
  ids?: IdSource;
}

function checkTimers(timers: Partial<TimerSettings> | undefined): TimerSettings {
  const resolved = { ...AGENTCOM_TIMERS, ...timers };
  for (const [key, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value <= 0) throw new Error(`timer ${key} must be a positive integer (ms), got ${String(value)}`);
  }
  return resolved;
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`port must be an integer 0-65535, got ${port}`);
  return port;
}

function openStore(dataDir: string, faults: FaultSet, clock: HubClock): HubStore {
  return applyStoreFaults(new FileStore(dataDir), faults, clock);
}

/**
 * Starts the reference hub on one loopback port: HTTP API and WebSocket
 * `/ws`. Without a data dir it makes a temp dir, which `stop()` deletes.
 */
export async function startHub(options: InternalHubOptions = {}): Promise<HubHandle> {
  const host = loopbackHost(options.host ?? '127.0.0.1');
  const faults = parseFaults(options.faults ?? []);
  const timers = checkTimers(options.timers);
  const clock = options.clock ?? realClock;
  const env: CoreEnv = {
    ids: options.ids ?? randomIds,
    faults,
    timers,
    adminAgents: new Set(options.adminAgents ?? ['admin']),
  };
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'agentcom-hub-')));
  const launch = (port: number, restarted: boolean): Promise<HubRuntime> =>
    HubRuntime.start({
      host,
      port,
      clock,
      env,
      store: openStore(dataDir, faults, clock),
      restarted,
      ...(options.onCrash === undefined ? {} : { onCrash: options.onCrash }),
    });

  let runtime: HubRuntime | undefined;
  try {
    runtime = await launch(checkPort(options.port ?? 0), false);
  } catch (error) {
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const port = runtime.port;
  const base = `${hostForUrl(host)}:${port}`;
  /** Restarts and stops run one at a time. */
  let lifecycle: Promise<void> = Promise.resolve();
  const serially = (work: () => Promise<void>): Promise<void> => {
    const next = lifecycle.then(work);
    lifecycle = next.catch(() => undefined);
    return next;
  };

  return {
    url: `http://${base}`,
    wsUrl: `ws://${base}/ws`,
    port,
    dataDir,
    adminToken: runtime.adminToken,
    timers: { ...timers },
    restart: ({ crash = false } = {}) =>
      serially(async () => {
        if (runtime === undefined) throw new Error('the hub is stopped');
        await runtime.stop({ crash });
        runtime = undefined;
        runtime = await launch(port, true);
      }),
    stop: () =>
      serially(async () => {
        await runtime?.stop();
        runtime = undefined;
        if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
      }),
  };
}
