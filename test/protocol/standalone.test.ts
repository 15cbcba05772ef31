// The standalone hub (src/cli/hub.ts) as a child process: prints its URL and
// the admin-token file path (never the token), keeps state in its data dir,
// stops cleanly on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isToken, leaks, withDeadline } from './support.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const START_MS = 20_000;

interface Child {
  proc: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<Child>();

/** `scratch` is the child's TMPDIR (tsx keeps its cache there), removed with the data dir. */
function startStandalone(dataDir: string, scratch: string): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/hub.ts', '--port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: scratch },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child: Child = {
    proc,
    stdout: '',
    stderr: '',
    exited: new Promise((done) => proc.once('exit', (code, signal) => done({ code, signal }))),
  };
  proc.stdout?.on('data', (chunk) => (child.stdout += String(chunk)));
  proc.stderr?.on('data', (chunk) => (child.stderr += String(chunk)));
  children.add(child);
  return child;
}

async function waitForUrl(child: Child): Promise<string> {
  const deadline = Date.now() + START_MS;
  for (;;) {
    const match = /http:\/\/127\.0\.0\.1:\d+/.exec(child.stdout);
    if (match) return match[0];
    if (child.proc.exitCode !== null || Date.now() > deadline) {
      throw new Error(`no URL on stdout; stdout: ${child.stdout} stderr: ${child.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopChild(child: Child, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill(signal);
  const result = await withDeadline(child.exited, 10_000, 'standalone hub did not exit');
  children.delete(child);
  return result;
}

describe('standalone hub', () => {
  let dataDir = '';
  let scratch = '';
  let taskId: string | undefined;
  const dispatcher = new Agent();

  async function call(url: string, method: string, path: string, token?: string, json?: unknown) {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (json !== undefined) headers['content-type'] = 'application/json';
    const res = await request(url + path, {
      method: method as 'GET',
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
      dispatcher,
      headersTimeout: 5_000,
      bodyTimeout: 5_000,
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  }

  function adminToken(child: Child): string {
    const line = child.stdout.split('\n').find((l) => /token/i.test(l) && /\//.test(l));
    expect(line, 'a stdout line naming the admin-token file').toBeDefined();
    const path = /(\/\S+)/.exec(line ?? '')?.[1] ?? '';
    const mode = statSync(path).mode & 0o777;
    expect(mode.toString(8)).toBe('600');
    const token = /[0-9a-f]{64}/.exec(readFileSync(path, 'utf8'))?.[0] ?? '';
    expect(isToken(token), 'the token file holds a token').toBe(true);
    expect(leaks(child.stdout, token) || leaks(child.stderr, token), 'the token on stdout or stderr').toBe(false);
    return token;
  }

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'standalone-hub-'));
    scratch = mkdtempSync(join(tmpdir(), 'standalone-tmp-'));
  });

  afterAll(async () => {
    await Promise.all([...children].map((child) => stopChild(child, 'SIGKILL').catch(() => undefined)));
    await dispatcher.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('serves /health, keeps the admin token off stdout in a 0600 file, and exits 143 on SIGTERM', async () => {
    const child = startStandalone(dataDir, scratch);
    const url = await waitForUrl(child);
    const health = await call(url, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', service: 'agent_com' });
    const token = adminToken(child);
    const submit = await call(url, 'POST', '/api/tasks', token, { description: 'survive me' });
    expect(submit.status).toBe(201);
    taskId = submit.body.task_id as string;
    expect(await stopChild(child, 'SIGTERM')).toEqual({ code: 143, signal: null });
  });

  it('started again on the same data dir, it still serves the task', async () => {
    expect(taskId, 'the first run submitted a task').toBeDefined();
    const child = startStandalone(dataDir, scratch);
    const url = await waitForUrl(child);
    const token = adminToken(child);
    const res = await call(url, 'GET', `/api/tasks/${taskId}`, token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: taskId, description: 'survive me', status: 'queued' });
    expect(await stopChild(child, 'SIGTERM')).toEqual({ code: 143, signal: null });
  });
});
