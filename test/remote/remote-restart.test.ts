// --restart-cmd: the fuzzer kills and restarts the separate hub process
// between actions, and the hub, back on the same port and data dir, still
// passes; a hub that dies mid-run and stays down is an I10 violation, not a hang.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubClient } from '../../src/http/client.js';
import { waitFor } from '../../src/testing/wait-for.js';
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
    const args = ['--hub', hub.url, '--profile', 'fast', '--property', 'recovery', '--runs', '2', '--seed', '9', '--restart-cmd', restartCmd, '--json'];
    const exit = await finished(spawnFuzz(args, { cwd: scratch, token: hub.token }), FUZZ_MS);
    expect(exit.code, exit.stdout + exit.stderr).toBe(0);
    expect(summaryOf(exit)).toMatchObject({ ok: true, target: { canRestart: true } });
    expect(restartsOf(scratch, hub)).toBeGreaterThan(0);
  }, FUZZ_MS + 10_000);

  it('a hub that dies mid-run is an I10 availability violation', async () => {
    const hub = hubs[1] as Hub;
    const child = spawnFuzz(['--hub', hub.url, '--profile', 'fast', '--runs', '50', '--seed', '6', '--json'], { cwd: scratch, token: hub.token });
    const client = createHubClient({ baseUrl: hub.url, token: hub.token });
    try {
      const minted = async (): Promise<boolean> => (await client.listTokens()).tokens.some((t) => t.agent_id.startsWith('fz-'));
      await waitFor(minted, { timeoutMs: 20_000, what: 'the fuzzer to be playing a run' });
    } finally {
      await client.close();
    }
    hub.child.proc.kill('SIGKILL');
    const exit = await finished(child, FUZZ_MS);
    expect(exit.code, exit.stderr).toBe(1);
    const failure = summaryOf(exit).failure as { violations: Array<{ invariant: string }> };
    expect(failure.violations.map((v) => v.invariant)).toContain('I10');
  }, FUZZ_MS + 10_000);
});
