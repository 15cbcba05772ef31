// Remote mode finds deliberate defects in a separate hub process: each fault
// started on its own child hub fails the fuzz run with exit 1, and both
// printed replay commands (failure file, and SEED:PATH) reproduce it there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, scratchDir, spawnFuzz, spawnReplay, startHub, stopAll, summaryOf, type Hub } from './support/processes.js';

/** Each is found within a few runs with this seed, and its shrunk counterexample replays reliably. */
const CASES = [
  { fault: 'capability-any', property: 'lifecycle', seed: 1, invariant: 'I4' },
  { fault: 'retry-off-by-one', property: 'lifecycle', seed: 2, invariant: 'I1' },
  { fault: 'no-acceptance-timeout', property: 'lifecycle', seed: 1, invariant: 'I7' },
] as const;

const FUZZ_MS = 60_000;
const REPLAY_MS = 30_000;
const REPLAY_TRIES = 3;

describe('remote mode against a faulty child hub', () => {
  const scratch = scratchDir();
  const hubs: Hub[] = [];

  beforeAll(async () => {
    hubs.push(...(await Promise.all(CASES.map((c) => startHub(scratch, c.fault, ['--fault', c.fault])))));
  });

  afterAll(() => stopAll(scratch, hubs));

  it.concurrent.each(CASES.map((c, i) => ({ ...c, i })))(
    '$fault: exit 1 with $invariant, and the replay commands reproduce it',
    async ({ property, seed, invariant, i }) => {
      const hub = hubs[i] as Hub;
      const args = ['--hub', hub.url, '--profile', 'fast', '--property', property, '--seed', String(seed), '--runs', '60', '--json'];
      const exit = await finished(spawnFuzz(args, { cwd: scratch, token: hub.token }), FUZZ_MS);
      const summary = summaryOf(exit);
      expect(exit.code, exit.stderr).toBe(1);
      const failure = summary.failure as { violations: Array<{ invariant: string }>; replay: string[] };
      expect(failure.violations.map((v) => v.invariant)).toContain(invariant);
      expect(failure.replay).toHaveLength(2);
      for (const command of failure.replay) {
        expect(command).toContain(`--hub ${hub.url}`);
        expect(command).not.toContain(hub.token);
        expect(command).not.toContain('--fault');
      }
      expect(exit.stdout + exit.stderr).not.toContain(hub.token);

      // One at a time: with a capability fault, one replay's agents could take the other's tasks.
      // Over a real network a shrunk race may need a second try: up to REPLAY_TRIES each.
      for (const command of failure.replay) {
        const attempts: string[] = [];
        for (let attempt = 0; attempt < REPLAY_TRIES; attempt++) {
          const replay = await finished(spawnReplay(`${command} --json`, { cwd: scratch, token: hub.token }), REPLAY_MS);
          attempts.push(`${replay.code} ${replay.stdout}\n${replay.stderr}`);
          if (replay.code === 1 && replay.stdout.includes(`"invariant":"${invariant}"`)) break;
        }
        expect(attempts.at(-1), attempts.join('\n---\n')).toMatch(new RegExp(`^1 [^]*"invariant":"${invariant}"`));
      }
    },
    FUZZ_MS + 2 * REPLAY_TRIES * REPLAY_MS + 10_000,
  );
});
