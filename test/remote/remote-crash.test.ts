// A hub that crashes on some report (progress-crashes-hub: the standalone hub exits 1) fuzzed over the
// network. Without --restart-cmd the run that took it down is the finding, never a candidate that started
// against the dead hub; with one, the hub is brought back between attempts and shrinking goes on.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finished, restartsOf, scratchDir, spawnFuzz, startHub, stopAll, summaryOf, writeRestartScript, type Hub } from './support/processes.js';

const FUZZ_MS = 90_000;
const CRASHING = ['--fault', 'progress-crashes-hub'];

interface FindingSummary {
  bucket: string[];
  steps: string[];
  shrinkEnd: string;
  shrinkAttempts: number;
  violations: Array<{ invariant: string; kind: string }>;
}

function fuzzArgs(hub: Hub, extra: readonly string[]): string[] {
  return ['--hub', hub.url, '--token-file', join(hub.dataDir, 'admin-token'), '--profile', 'fast', '--runs', '100', '--seed', '1', '--json', ...extra];
}

describe('a hub that crashes on a progress report', () => {
  const scratch = scratchDir();
  const hubs: Hub[] = [];
  afterAll(() => stopAll(scratch, hubs));

  it.concurrent('without --restart-cmd: exit 1, the run that took it down is the finding, with the progress report in it', async () => {
    const hub = await startHub(scratch, 'alone', CRASHING);
    hubs.push(hub);
    const exit = await finished(spawnFuzz(fuzzArgs(hub, ['--corpus', join(scratch, 'alone-corpus')]), { cwd: scratch }), FUZZ_MS);
    expect(exit.code, exit.stderr).toBe(1);
    const [finding, ...others] = summaryOf(exit).findings as FindingSummary[];
    expect(others).toEqual([]);
    expect(finding?.bucket).toContain('I10/hub-down');
    expect(finding?.steps.some((step) => step.includes('send task_progress'))).toBe(true);
    // Not one candidate was played against the dead hub.
    expect(finding?.shrinkEnd).toBe('hub-down');
    expect(finding?.shrinkAttempts).toBe(0);
    expect(exit.stderr).toContain('cannot be restarted (no --restart-cmd)');
  }, FUZZ_MS + 10_000);

  it.concurrent('with --restart-cmd: exit 1, the hub restarted between attempts, the shrunk counterexample still reports progress', async () => {
    const hub = await startHub(scratch, 'restarted', CRASHING);
    hubs.push(hub);
    const restart = writeRestartScript(scratch, hub);
    const args = fuzzArgs(hub, ['--corpus', join(scratch, 'restarted-corpus'), '--restart-cmd', restart, '--shrink-budget', '20']);
    const exit = await finished(spawnFuzz(args, { cwd: scratch }), FUZZ_MS);
    expect(exit.code, exit.stderr).toBe(1);
    const [finding] = summaryOf(exit).findings as FindingSummary[];
    expect(finding?.bucket).toContain('I10/hub-down');
    expect(finding?.steps.some((step) => step.includes('send task_progress'))).toBe(true);
    expect(finding?.shrinkAttempts).toBeGreaterThan(0);
    expect(restartsOf(scratch, hub)).toBeGreaterThan(1);
    expect(exit.stderr).toContain('--restart-cmd brought it back');
  }, FUZZ_MS + 10_000);
});
