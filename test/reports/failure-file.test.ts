import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAILURE_FORMAT, loadFailure, saveFailure, UnreadableFailureFile } from '../../src/reports/failure-file.js';
import { sampleFailure } from '../support/sample-failure.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'failure-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeJson(name: string, content: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** The reason loadFailure gives for `file`, after checking it is one line that names the file. */
async function reasonFor(file: string): Promise<string> {
  const error: unknown = await loadFailure(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnreadableFailureFile);
  const unreadable = error as UnreadableFailureFile;
  expect(unreadable.file).toBe(file);
  expect(unreadable.message).toContain(file);
  expect(unreadable.message).not.toContain('\n');
  return unreadable.reason;
}

async function savedWith(changes: Record<string, unknown>): Promise<string> {
  const file = await saveFailure(sampleFailure, dir);
  const content = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  return writeJson('changed.json', { ...content, ...changes });
}

describe('loadFailure', () => {
  it('reads back what saveFailure wrote', async () => {
    const file = await saveFailure(sampleFailure, dir);
    const loaded = await loadFailure(file);
    expect(loaded).toMatchObject({ ...sampleFailure, format: FAILURE_FORMAT });
    expect(Number.isNaN(Date.parse(loaded.createdAt))).toBe(false);
  });

  it('reads a simulated failure with its schedule', async () => {
    const file = await saveFailure({ ...sampleFailure, sim: true, schedule: [{ action: 1, choice: 0, pick: 1 }] }, dir);
    expect((await loadFailure(file)).schedule).toEqual([{ action: 1, choice: 0, pick: 1 }]);
  });

  it('says a missing file is not there', async () => {
    expect(await reasonFor(join(dir, 'nothing-here.json'))).toBe('no such file');
  });

  it('says /etc/passwd is not JSON', async () => {
    expect(await reasonFor('/etc/passwd')).toBe('not JSON');
  });

  it('says a directory cannot be read as a file', async () => {
    expect(await reasonFor(dir)).toMatch(/EISDIR/);
  });

  it('says a file cut short is cut short', async () => {
    const whole = await readFile(await saveFailure(sampleFailure, dir), 'utf8');
    const file = await writeJson('cut.json', whole.slice(0, Math.floor(whole.length / 2)));
    expect(await reasonFor(file)).toBe('its JSON is cut short or broken');
  });

  it('says JSON that is not an object is not a failure file', async () => {
    expect(await reasonFor(await writeJson('list.json', [1, 2]))).toBe('not a JSON object');
  });

  it('names the format version it found and the one it expects', async () => {
    const reason = await reasonFor(await savedWith({ format: 'agentcom-fuzz/failure@1' }));
    expect(reason).toBe(`format agentcom-fuzz/failure@1, expected ${FAILURE_FORMAT}`);
  });

  it('says when there is no format at all', async () => {
    expect(await reasonFor(await writeJson('other.json', { name: 'package', version: '1.0.0' }))).toBe(`no format field, expected ${FAILURE_FORMAT}`);
  });

  it.each([
    ['property', undefined, '"property" is missing'],
    ['seed', '42', '"seed" is missing or not an integer'],
    ['agents', 0, '"agents" is missing or not a positive integer'],
    ['faults', 'no-idle-trigger', '"faults" is missing or not a list of strings'],
    ['timers', { acceptanceMs: 300 }, '"timers" is missing or not an object of acceptanceMs'],
    ['actions', [{ kind: 'teleport', agent: 0 }], '"actions" is missing or not a list of actions, each with a known kind'],
    ['actions', [{ kind: 'kill', agent: -1 }], '"actions" is missing or not a list of actions'],
    ['violations', [{ invariant: 'I1' }], '"violations" is missing or not a list of violations'],
    ['history', {}, '"history" is missing or not a list'],
  ])('names the field %s when it is %j', async (field, value, reason) => {
    expect(await reasonFor(await savedWith({ [field]: value }))).toContain(reason);
  });

  it('names an unknown property family and the known ones', async () => {
    const reason = await reasonFor(await savedWith({ property: 'telepathy' }));
    expect(reason).toMatch(/^unknown property family "telepathy" \(known: .*lifecycle.*\)$/);
  });

  it('reads a kind saved under its folded name as the kind that judges it now', async () => {
    const old = { invariant: 'I10', kind: 'push-to-replaced', name: 'availability', message: 'a push went to a replaced connection', evidence: [3] };
    const loaded = await loadFailure(await savedWith({ violations: [old] }));
    expect(loaded.violations).toEqual([{ ...old, kind: 'replaced-session-kept' }]);
  });

  it('refuses a violation of a kind this version does not judge, rather than let a replay call it fixed', async () => {
    const reason = await reasonFor(await savedWith({ violations: [{ invariant: 'I1', kind: 'telepathy', name: 'exactly-once', message: 'm', evidence: [] }] }));
    expect(reason).toBe('a violation of kind I1/telepathy, which this version does not judge');
  });

  it('refuses a simulated failure without a schedule, and a sim flag that is not a boolean', async () => {
    expect(await reasonFor(await savedWith({ sim: true }))).toContain('without a "schedule"');
    expect(await reasonFor(await savedWith({ sim: 'yes' }))).toBe('"sim" is not true or false');
  });
});
