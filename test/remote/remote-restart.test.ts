// --restart-cmd: the fuzzer kills and restarts the separate hub process
// between actions, and the hub, back on the same port and data dir, still
// passes; a hub that dies mid-run and stays down is an I10 violation, not a hang.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, restartsOf, scratchDir, spawnFuzz, startHub, stopAll, summaryOf, writeRestartScript, type Hub } from './support/processes.js';

const FUZZ_MS = 60_000;

describe('remote mode with --restart-cmd', () => {
  const scratch = scratchDir();
  const hubs: Hub[] = [];

  beforeAll(async () => {
    hubs.push(await startHub(scratch, 'restarted'), await startHub(scratch, 'dying'));
  });

  afterAll(() => stopAll(scratch, hubs));

  it('restarts the child hub through the command and passes', async () => {
    const hub = hubs[0] as Hub;
    const restartCmd = writeRestartScript(scratch, hub);
    const args = ['--hub', hub.url, '--profile', 'fast', '--property', 'recovery', '--runs', '4', '--seed', '5', '--restart-cmd', restartCmd, '--json'];
    const exit = await finished(spawnFuzz(args, { cwd: scratch, token: hub.token }), FUZZ_MS);
    expect(exit.code, exit.stdout + exit.stderr).toBe(0);
    expect(summaryOf(exit)).toMatchObject({ ok: true, target: { canRestart: true } });
    expect(restartsOf(scratch, hub)).toBeGreaterThan(0);
  });

  it('a hub that dies mid-run is an I10 availability violation', async () => {
    const hub = hubs[1] as Hub;
    const child = spawnFuzz(['--hub', hub.url, '--profile', 'fast', '--runs', '50', '--seed', '6', '--json'], { cwd: scratch, token: hub.token });
    // Killed once the fuzzer is past its start-up check and playing.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    hub.child.proc.kill('SIGKILL');
    const exit = await finished(child, FUZZ_MS);
    expect(exit.code, exit.stderr).toBe(1);
    const failure = summaryOf(exit).failure as { violations: Array<{ invariant: string }> };
    expect(failure.violations.map((v) => v.invariant)).toContain('I10');
  });
});
