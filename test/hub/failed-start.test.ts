// A hub whose start fails (here: restart-chokes-on-metadata refusing a saved task) releases its store, so a
// supervisor's next start can open the log again and no file handle is left to the garbage collector.
import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../src/hub/faults/catalogue.js';
import { realClock } from '../../src/hub/net/real-clock.js';
import { CoreDriver } from '../../src/hub/shell/core-driver.js';
import { MemoryStore } from '../../src/hub/store/memory-store.js';
import { AGENTCOM_TIMERS } from '../../src/hub/types.js';
import { countingIds, CoreHarness } from './support/core-harness.js';

class CountingStore extends MemoryStore {
  abandoned = 0;

  override async abandon(): Promise<void> {
    this.abandoned++;
    await super.abandon();
  }
}

const outputs = { send: () => undefined, close: () => undefined, reply: () => undefined, crash: () => undefined };

async function startOn(store: CountingStore, faults: string[]): Promise<string> {
  const env = { ids: countingIds(), faults: parseFaults(faults), timers: AGENTCOM_TIMERS, adminAgents: new Set(['admin']) };
  return CoreDriver.start({ clock: realClock, env, store }, outputs).then(
    async (driver) => {
      await driver.stop(false, 0);
      return 'started';
    },
    (error: Error) => error.message,
  );
}

describe('a hub whose start fails', () => {
  it('abandons its store before it rethrows; a start that succeeds keeps it', async () => {
    const hub = new CoreHarness();
    hub.submit({ metadata: { hostile: true } });
    const saved = [...hub.state.tasks.values()].map((task) => ({ kind: 'task' as const, task }));
    const store = new CountingStore();
    await store.append(saved);

    expect(await startOn(store, ['restart-chokes-on-metadata'])).toMatch(/cannot load a saved task/);
    expect(store.abandoned).toBe(1);
    expect(await startOn(store, [])).toBe('started');
    expect(store.abandoned).toBe(1);
  });
});
