import type { TimerSettings } from '../../models/history.js';
import type { RunEnvironment } from '../env/environment.js';
import { ADMIN_AGENT_ID, type CoreEnv } from '../hub/core/hub-core.js';
import { parseFaults } from '../hub/faults/catalogue.js';
import type { RunInput, Target } from '../targets/target.js';
import { SimScheduler } from './scheduler.js';
import { seededIds, seededRandomHex } from './seeded-random.js';
import { SimDisk } from './sim-disk.js';
import { SimHub } from './sim-hub.js';
import { SimNetwork } from './sim-network.js';
import { virtualClock } from './virtual-clock.js';

export const SIM_HUB_URL = 'http://sim-hub';
export const SIM_WS_URL = 'ws://sim-hub/ws';

export interface SimWorldOptions {
  timers: TimerSettings;
  faults: readonly string[];
}

/**
 * One simulated run's whole world: scheduler, virtual clock, network, disk
 * and the reference hub's core, all in this process and all deterministic
 * given the run's seed and schedule. Its environment is what the runner uses
 * instead of real time, sockets and HTTP.
 */
export async function openSimWorld(options: SimWorldOptions, run: RunInput): Promise<Target> {
  const scheduler = new SimScheduler(run.schedule);
  const network = new SimNetwork(scheduler);
  const randomHex = seededRandomHex(run.seed);
  const env: CoreEnv = {
    ids: seededIds(randomHex),
    faults: parseFaults(options.faults),
    timers: options.timers,
    adminAgents: new Set([ADMIN_AGENT_ID]),
  };
  const hub = new SimHub(scheduler, virtualClock(scheduler, 'hub'), env, new SimDisk(), network);
  network.attach(hub);
  const environment: RunEnvironment = {
    clock: virtualClock(scheduler, 'runner'),
    transport: network.transport,
    http: network.http,
    randomHex,
  };
  scheduler.start();
  try {
    await hub.start();
  } catch (error) {
    scheduler.stop();
    throw error;
  }
  return {
    kind: 'sim',
    url: SIM_HUB_URL,
    wsUrl: SIM_WS_URL,
    adminToken: hub.adminToken,
    timers: options.timers,
    canRestart: true,
    namespace: '',
    isolationCapability: null,
    environment,
    network,
    trace: () => scheduler.trace,
    beginAction: (index) => scheduler.beginAction(index),
    restart: async (crash) => {
      await hub.stop(crash);
      await hub.start();
    },
    dispose: async () => {
      scheduler.stop();
    },
  };
}
