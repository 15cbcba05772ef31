// `npm run fuzz -- --hub URL` against the standalone hub in a separate
// process: passes on the correct hub, shares it safely with another fuzzer,
// leaves no token behind (also when interrupted), and refuses an unusable
// hub with exit 2 and one line.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubClient, type HubClient } from '../../src/http/client.js';
import { waitFor } from '../../src/testing/wait-for.js';
import { finished, scratchDir, spawnFuzz, startHub, stopAll, summaryOf, type Hub } from './support/processes.js';

const FUZZ_MS = 45_000;
const USAGE_MS = 10_000;

describe('remote mode against a child hub', () => {
  const scratch = scratchDir();
  let hub: Hub;
  let client: HubClient;

  beforeAll(async () => {
    hub = await startHub(scratch, 'correct');
    client = createHubClient({ baseUrl: hub.url, token: hub.token });
  });

  afterAll(async () => {
    await client?.close();
    await stopAll(scratch, hub ? [hub] : []);
  });

  async function runTokens(): Promise<string[]> {
    const { tokens } = await client.listTokens();
    return tokens.map((t) => t.agent_id).filter((id) => id.startsWith('fz-'));
  }

  function fuzzArgs(seed: number, ...extra: string[]): string[] {
    return ['--hub', hub.url, '--profile', 'fast', '--runs', '6', '--seed', String(seed), ...extra];
  }

  it('passes, writes one JUnit test case per invariant, and revokes every token it minted', async () => {
    const junit = join(scratch, 'reports', 'fuzz.xml');
    const exit = await finished(spawnFuzz(fuzzArgs(11, '--json', '--junit', junit), { cwd: scratch, token: hub.token }), FUZZ_MS);
    expect(exit.code, exit.stderr).toBe(0);
    const summary = summaryOf(exit);
    expect(summary).toMatchObject({ ok: true, exitCode: 0, runs: 6, target: { kind: 'remote', url: hub.url, profile: 'fast' }, failure: null });
    const xml = readFileSync(junit, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(10);
    expect(xml).toContain('failures="0"');
    expect(exit.stdout + exit.stderr + xml).not.toContain(hub.token);
    expect(await runTokens()).toEqual([]);
  }, FUZZ_MS + 10_000);

  it('two fuzzers at once on one hub pass without disturbing each other', async () => {
    const runs = [21, 22].map((seed) => finished(spawnFuzz(fuzzArgs(seed, '--json'), { cwd: scratch, token: hub.token }), FUZZ_MS));
    for (const exit of await Promise.all(runs)) {
      expect(exit.code, exit.stdout + exit.stderr).toBe(0);
      expect(summaryOf(exit)).toMatchObject({ ok: true, runs: 6 });
    }
    expect(await runTokens()).toEqual([]);
  }, FUZZ_MS + 10_000);

  it('Ctrl-C tears the current run down, revokes its tokens and exits 130', async () => {
    const child = spawnFuzz(fuzzArgs(31, '--runs', '1000', '--json'), { cwd: scratch, token: hub.token });
    await waitFor(runTokens, { timeoutMs: 20_000, what: 'a run to mint its first token', until: (ids) => ids.length > 0 });
    child.proc.kill('SIGINT');
    const exit = await finished(child, 15_000);
    expect(exit.code, exit.stderr).toBe(130);
    expect(summaryOf(exit)).toMatchObject({ ok: false, exitCode: 130, signal: 'SIGINT', interrupted: true });
    expect(await runTokens()).toEqual([]);
  }, FUZZ_MS + 10_000);

  it('an unreachable hub, a refused token and --fault with --hub each exit 2 with one line within 10 s', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const cases = [
      { args: ['--hub', `http://127.0.0.1:${closedPort}`], token: hub.token, says: /cannot reach the hub/ },
      { args: ['--hub', hub.url], token: 'f'.repeat(64), says: /refused the admin token \(401\)/ },
      { args: ['--hub', hub.url, '--fault', 'unfenced-complete'], token: hub.token, says: /--fault applies only to the embedded hub/ },
      { args: ['--hub', hub.url], token: undefined, says: /AGENTCOM_TOKEN/ },
    ];
    const exits = await Promise.all(cases.map((c) => finished(spawnFuzz(c.args, { cwd: scratch, token: c.token }), USAGE_MS + 5_000)));
    exits.forEach((exit, i) => {
      expect(exit.code, exit.stderr).toBe(2);
      expect(exit.ms).toBeLessThan(USAGE_MS);
      expect(exit.stdout).toBe('');
      expect(exit.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(exit.stderr).toMatch(cases[i]?.says ?? /never/);
      expect(exit.stderr).not.toContain(hub.token);
    });
  }, FUZZ_MS + 10_000);
});
