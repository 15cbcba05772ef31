// docs/protocol.md#task-lifecycle, durability: tasks, generations, dead letters and tokens
// survive a restart and a crash; a torn last log record is skipped.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type HubFixture, ofType, useHub } from './support.js';

interface Scene {
  queued: string;
  completed: string;
  dead: string;
  assigned: string;
  token: string;
  revoked: string;
}

/** One task in each state, a live token and a revoked one. */
async function buildScene(h: HubFixture): Promise<Scene> {
  const token = await h.mint('keeper');
  const revoked = await h.mint('revoked');
  expect((await h.http('DELETE', '/admin/tokens/revoked')).status).toBe(200);
  const sock = await h.openAgent('a1');
  const dead = await h.submit({ max_retries: 1, priority: 'urgent' });
  await sock.next(ofType('task_assign', dead));
  sock.send({ type: 'task_failed', task_id: dead, generation: 1, error: 'x' });
  await sock.next(ofType('task_ack', dead));
  const completed = await h.submit({ priority: 'high', metadata: { m: 1 } });
  await sock.next(ofType('task_assign', completed));
  sock.send({ type: 'task_complete', task_id: completed, generation: 1, result: { r: 2 }, tokens_used: 9 });
  await sock.next(ofType('task_ack', completed));
  const assigned = await h.submit({ complete_by: Date.now() + 3_600_000 }, token);
  await sock.next(ofType('task_assign', assigned));
  const queued = await h.submit({ priority: 'low' });
  return { queued, completed, dead, assigned, token, revoked };
}

async function expectSceneSurvived(h: HubFixture, scene: Scene, before: Record<string, unknown>): Promise<void> {
  expect(await h.task(scene.queued)).toEqual(before[scene.queued]);
  expect(await h.task(scene.completed)).toEqual(before[scene.completed]);
  expect(await h.task(scene.dead)).toEqual(before[scene.dead]);
  const assigned = await h.task(scene.assigned);
  const old = before[scene.assigned] as { generation: number; complete_by: number; submitted_by: string };
  // The agent's socket is gone: the task may have been reclaimed, never with an older generation.
  expect(assigned.generation).toBeGreaterThanOrEqual(old.generation);
  expect(assigned).toMatchObject({ complete_by: old.complete_by, submitted_by: 'keeper' });
  expect((await h.http('GET', '/api/tasks/dead-letter')).body.count).toBe(1);
  expect((await h.http('GET', '/api/tasks', { token: scene.token })).status).toBe(200);
  expect((await h.http('GET', '/api/tasks', { token: scene.revoked })).status).toBe(401);
}

async function snapshot(h: HubFixture, scene: Scene): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const id of [scene.queued, scene.completed, scene.dead, scene.assigned]) out[id] = await h.task(id);
  return out;
}

describe('restart recovery', () => {
  const h = useHub();

  it.each([
    ['restart()', false],
    ['restart({crash:true})', true],
  ])('%s serves the same tasks, generations, dead letters and tokens', async (_, crash) => {
    const scene = await buildScene(h);
    const before = await snapshot(h, scene);
    const port = h.hub.port;
    await h.restart({ crash });
    expect(h.hub.port).toBe(port);
    await expectSceneSurvived(h, scene, before);
    // The restarted hub schedules the recovered queue and fences stale generations.
    const sock = await h.openAgent('a2');
    const assign = await sock.next(ofType('task_assign'));
    expect([scene.assigned, scene.queued]).toContain(assign.task_id);
    sock.send({ type: 'task_complete', task_id: assign.task_id, generation: assign.generation - 1 });
    expect(await sock.next((f) => f.type === 'error')).toMatchObject({ error: expect.stringMatching(/^task_complete_failed: /) });
  });

  it('new task ids after a restart do not collide and generations keep counting', async () => {
    const { sock, id } = await h.agentWithTask('a1');
    sock.send({ type: 'task_failed', task_id: id, generation: 1 });
    await sock.next(ofType('task_ack', id));
    await sock.next(ofType('task_assign', id));
    await h.restart({ crash: true });
    const fresh = await h.submit();
    expect(fresh).not.toBe(id);
    expect((await h.task(fresh)).generation).toBe(0);
    const old = await h.task(id);
    expect(old.generation).toBeGreaterThanOrEqual(3);
    expect(old.retry_count).toBe(1);
  });
});

/**
 * The hub's log (src/hub/store/log-format.ts): DATA_DIR/hub.log, one record a
 * line, `<byte length> <crc32 hex> <JSON>`. A last line cut short or failing
 * its checksum is a torn record: loading skips it and the hub starts.
 */
describe('torn last record', () => {
  const h = useHub();
  const FORGED = 'task-00000000000000ff';
  const logOf = (fx: HubFixture) => join(fx.hub.dataDir, 'hub.log');

  function line(json: string, checksum = crc32(Buffer.from(json))): string {
    return `${Buffer.byteLength(json)} ${checksum.toString(16).padStart(8, '0')} ${json}\n`;
  }

  /** A record of a task that was never submitted: the last record about `id`, renamed. */
  function forgedRecordJson(fx: HubFixture, id: string): string {
    const lines = readFileSync(logOf(fx), 'utf8').split('\n').filter((l) => l.includes(id));
    expect(lines.length, 'the log holds a record of the task').toBeGreaterThan(0);
    return (lines.at(-1) ?? '').replace(/^\d+ [0-9a-f]{8} /, '').replaceAll(id, FORGED);
  }

  it('control: a whole, valid record appended to the log is loaded', async () => {
    const id = await h.submit({ description: 'model' });
    appendFileSync(logOf(h), line(forgedRecordJson(h, id)));
    await h.restart({ crash: true });
    expect(await h.task(FORGED)).toMatchObject({ id: FORGED, description: 'model' });
  });

  it.each([
    ['cut short', (json: string) => line(json).slice(0, Math.floor(json.length / 2))],
    ['failing its checksum', (json: string) => line(json, crc32(Buffer.from(json)) ^ 1)],
  ])('a last record %s is skipped, not a crash, and later writes are kept', async (_, tear) => {
    const kept = await h.submit({ description: 'kept' });
    const before = await h.task(kept);
    appendFileSync(logOf(h), tear(forgedRecordJson(h, kept)));
    await h.restart({ crash: true });
    expect((await h.http('GET', '/health')).status).toBe(200);
    expect(await h.task(kept)).toEqual(before);
    expect((await h.http('GET', `/api/tasks/${FORGED}`)).status).toBe(404);
    // What is written after the torn record survives the next restart.
    const later = await h.submit({ description: 'later' });
    await h.restart();
    expect((await h.task(later)).description).toBe('later');
    expect((await h.http('GET', '/api/tasks')).body.count).toBe(2);
  });
});
