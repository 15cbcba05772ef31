// A fuzzer stopped by a signal while it shrinks: the discovery block was printed and the failure file saved
// when the run failed; the signal ends it within 15 s with the best counterexample so far, the signal's exit
// code, and a file that replays to the same invariant. Both for a signal to the fuzzer's pid alone (a
// supervisor, `timeout`) and to the process group of `npm run fuzz`.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finished, groupGone, printed, scratchDir, spawnBin, spawnNpm, stopAll, summaryOf } from '../remote/support/processes.js';

/** The acceptance timer never fires, and it is slow enough that every shrink attempt waits seconds for it. */
const SLOW_FAULTY_HUB = [
  '--fault', 'no-acceptance-timeout',
  '--acceptance-ms', '3000', '--stuck-threshold-ms', '100000', '--stuck-sweep-ms', '5000', '--overdue-sweep-ms', '5000',
  '--runs', '500', '--seed', '1',
];
const FIND_MS = 60_000;
const STOP_MS = 15_000;

describe('signals while shrinking', () => {
  const scratch = scratchDir();
  afterAll(() => stopAll(scratch, []));

  it('SIGTERM to the pid of bin/agentcom-fuzz alone: exit 143, the best so far printed and saved, and it replays', async () => {
    const corpus = join(scratch, 'term');
    const fuzz = spawnBin('agentcom-fuzz', [...SLOW_FAULTY_HUB, '--corpus', corpus], { cwd: scratch });
    await printed(fuzz, /Shrinking starts/, FIND_MS);
    expect(fuzz.stdout).toMatch(/✗ Run \d+ failed: finding 1, I7\//);
    const [saved] = readdirSync(corpus);
    expect(saved).toBeDefined();
    fuzz.proc.kill('SIGTERM');
    const exit = await finished(fuzz, STOP_MS);
    expect(exit.code, exit.stderr).toBe(143);
    expect(exit.stderr).toContain('SIGTERM: stopping');
    expect(exit.stdout).toMatch(/Counterexample \(\d+ actions, shrunk \d+ time\(s\)\)/);
    expect(exit.stdout).toContain(`Saved to ${join(corpus, saved ?? '')}`);

    const replay = await finished(spawnBin('agentcom-fuzz', ['--replay', join(corpus, saved ?? ''), '--json'], { cwd: scratch }), FIND_MS);
    expect(replay.code, replay.stderr).toBe(1);
    expect(replay.stdout).toContain('"invariant":"I7"');
  }, FIND_MS * 2 + STOP_MS);

  it('SIGHUP to the process group of npm run fuzz --json: exit 129 named in the summary, nothing left running', async () => {
    const corpus = join(scratch, 'hup');
    const npm = spawnNpm('fuzz', [...SLOW_FAULTY_HUB, '--corpus', corpus, '--json'], { cwd: scratch });
    await printed(npm, /Shrinking starts/, FIND_MS);
    const pid = npm.proc.pid ?? -1;
    process.kill(-pid, 'SIGHUP');
    // npm itself dies of the signal at once; the fuzzer under it finishes its report on the same pipe.
    await expect.poll(() => groupGone(pid), { timeout: STOP_MS, interval: 100 }).toBe(true);
    const exit = await finished(npm, STOP_MS);
    await expect.poll(() => npm.stdout.trimEnd().endsWith('}'), { timeout: 5_000 }).toBe(true);
    const summary = summaryOf({ ...exit, stdout: npm.stdout });
    expect(summary).toMatchObject({ exitCode: 129, signal: 'SIGHUP', ok: false });
    const [finding] = summary.findings as Array<{ shrinkEnd: string; savedTo: string }>;
    expect(finding?.shrinkEnd).toBe('interrupted');
    expect(existsSync(finding?.savedTo ?? '')).toBe(true);
  }, FIND_MS + STOP_MS + 10_000);
});
