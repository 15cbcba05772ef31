import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/actions/action.js';
import { fuzz, playOnce } from '../../src/runner/fuzz.js';
import { simConfig } from '../support/sim-config.js';

const BUSY_RUN: Action[] = [
  { kind: 'connect', agent: 0, capabilities: [], behaviour: 'complete' },
  { kind: 'connect', agent: 1, capabilities: ['gpu'], behaviour: { delay: 60 } },
  { kind: 'submit', priority: 'high', capabilities: [], maxRetries: 2, completeBy: 'none' },
  { kind: 'submit', priority: 'low', capabilities: ['gpu'], maxRetries: 1, completeBy: 'near' },
  { kind: 'kill', agent: 0 },
  { kind: 'submit', priority: 'normal', capabilities: [], maxRetries: 3, completeBy: 'none' },
  { kind: 'restart-hub', crash: true },
  { kind: 'connect', agent: 2, capabilities: [], behaviour: 'fail' },
  { kind: 'wait', ms: 150 },
];

describe('simulation mode', () => {
  it('plays the same seed, actions and schedule into the same history, every time', async () => {
    const config = simConfig();
    const schedule = [{ action: 1, choice: 0, pick: 2 }, { action: 3, choice: 1, pick: 1 }];
    const first = await playOnce(config, 11, BUSY_RUN, schedule);
    const second = await playOnce(config, 11, BUSY_RUN, schedule);
    expect(first.result.history.length).toBeGreaterThan(30);
    expect(JSON.stringify(second.result.history)).toBe(JSON.stringify(first.result.history));
    expect(second.result.trace).toEqual(first.result.trace);
  });

  it('returns a result of plain data, so a result kept for a report keeps no simulated world alive', async () => {
    const { result } = await playOnce(simConfig(), 11, BUSY_RUN, []);
    const live = Object.entries(Object.getOwnPropertyDescriptors(result))
      .filter(([, property]) => property.get !== undefined || typeof property.value === 'function')
      .map(([name]) => name);
    expect(live).toEqual([]);
    expect(result.trace.length).toBeGreaterThan(30);
  });

  it('lets the schedule reorder concurrent events', async () => {
    const config = simConfig();
    const natural = await playOnce(config, 11, BUSY_RUN, []);
    const departures = natural.result.trace.flatMap(({ action, choice }) => (choice === null ? [] : [{ action, choice, pick: 1 }]));
    expect(departures.length).toBeGreaterThan(0);
    const reordered = await playOnce(config, 11, BUSY_RUN, departures);
    expect(reordered.result.trace.some((step) => step.pick > 0)).toBe(true);
    expect(reordered.result.trace.map((step) => step.what)).not.toEqual(natural.result.trace.map((step) => step.what));
  });

  it('passes the correct hub on hundreds of generated runs', async () => {
    const outcome = await fuzz(simConfig([], 300, 2024));
    expect(outcome.runnerError).toBeUndefined();
    expect(outcome.failure?.violations).toBeUndefined();
    expect(outcome.runs).toBe(300);
  });

  it.each(['unfenced-complete', 'no-reclaim-on-disconnect', 'no-idle-trigger', 'ack-before-persist'])(
    'finds and shrinks %s, and the replay reproduces the history exactly',
    async (fault) => {
      const config = simConfig([fault], 300, 1);
      const outcome = await fuzz(config);
      const failure = outcome.failure;
      expect(failure, `${fault} not found`).toBeDefined();
      expect(failure!.actions.length).toBeLessThanOrEqual(8);
      for (let i = 0; i < 3; i++) {
        const replay = await playOnce(config, failure!.seed, failure!.actions, failure!.schedule);
        expect(JSON.stringify(replay.result.history)).toBe(JSON.stringify(failure!.history));
        expect(replay.violations).toEqual(failure!.violations);
      }
    },
  );

  it('replays a failure by seed and path alone', async () => {
    const config = simConfig(['no-idle-trigger'], 300, 5);
    const found = await fuzz(config);
    expect(found.failure).toBeDefined();
    const replayed = await fuzz({ ...config, path: found.failure!.path });
    expect(JSON.stringify(replayed.failure?.history)).toBe(JSON.stringify(found.failure!.history));
  });

  it('leaves no real timer or socket behind', async () => {
    const before = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout' || kind.startsWith('TCP'));
    const during: string[][] = [];
    const config = simConfig();
    const run = playOnce(config, 3, BUSY_RUN, []);
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      during.push(process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout' || kind.startsWith('TCP')));
    }
    await run;
    for (const seen of during) expect(seen.length).toBeLessThanOrEqual(before.length);
  });
});
