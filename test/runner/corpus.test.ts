import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveFailure } from '../../src/reports/failure-file.js';
import { listCorpus, retireFixed } from '../../src/runner/corpus.js';
import { sampleFailure } from '../support/sample-failure.js';

let root: string;
let corpusDir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'corpus-'));
  corpusDir = join(root, 'failures');
  await mkdir(corpusDir);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Saves a failure under a chosen name, so that the expected order is known. */
async function save(name: string, changes: Partial<typeof sampleFailure> = {}): Promise<string> {
  return saveFailure({ ...sampleFailure, ...changes }, corpusDir, join(corpusDir, name));
}

const simulated = { sim: true, schedule: [{ action: 0, choice: 0, pick: 1 }] };
const names = (entries: ReadonlyArray<{ file: string }>): string[] => entries.map((e) => basename(e.file));

describe('listCorpus', () => {
  it('is empty for a directory that does not exist', async () => {
    expect(await listCorpus(join(root, 'none'), { family: 'lifecycle', targetKind: 'embedded' })).toEqual({ entries: [], skipped: [] });
  });

  it('keeps the failures of the family, by file name', async () => {
    await save('c.json');
    await save('a.json');
    await save('b.json', { property: 'fencing' });
    const corpus = await listCorpus(corpusDir, { family: 'lifecycle', targetKind: 'embedded' });
    expect(names(corpus.entries)).toEqual(['a.json', 'c.json']);
    expect(corpus.entries[0]?.failure.seed).toBe(sampleFailure.seed);
    expect(names((await listCorpus(corpusDir, { family: 'fencing', targetKind: 'embedded' })).entries)).toEqual(['b.json']);
  });

  it('replays a simulated failure only in simulation, a network one on embedded and remote hubs alike', async () => {
    await save('net.json');
    await save('sim.json', simulated);
    const listed = async (targetKind: 'embedded' | 'remote' | 'sim'): Promise<string[]> =>
      names((await listCorpus(corpusDir, { family: 'lifecycle', targetKind })).entries);
    expect(await listed('sim')).toEqual(['sim.json']);
    expect(await listed('embedded')).toEqual(['net.json']);
    expect(await listed('remote')).toEqual(['net.json']);
  });

  it('skips unreadable files with their reason and ignores files that are not *.json', async () => {
    await save('good.json');
    await writeFile(join(corpusDir, 'cut.json'), '{"format":');
    await writeFile(join(corpusDir, 'old.json'), JSON.stringify({ format: 'agentcom-fuzz/failure@1' }));
    await writeFile(join(corpusDir, 'notes.txt'), 'not a failure');
    await writeFile(join(corpusDir, 'half-written.json.part'), '{');
    const corpus = await listCorpus(corpusDir, { family: 'lifecycle', targetKind: 'embedded' });
    expect(names(corpus.entries)).toEqual(['good.json']);
    expect(corpus.skipped).toEqual([
      { file: join(corpusDir, 'cut.json'), reason: 'its JSON is cut short or broken' },
      { file: join(corpusDir, 'old.json'), reason: expect.stringMatching(/^format agentcom-fuzz\/failure@1, expected /) as unknown },
    ]);
  });
});

describe('retireFixed', () => {
  it('moves a file into fixed/ beside the corpus and says where', async () => {
    const file = await save('gone.json');
    const moved = await retireFixed(file, corpusDir);
    expect(moved).toBe(join(root, 'fixed', 'gone.json'));
    expect(await readdir(corpusDir)).toEqual([]);
    expect(await readdir(join(root, 'fixed'))).toEqual(['gone.json']);
    expect((await listCorpus(corpusDir, { family: 'lifecycle', targetKind: 'embedded' })).entries).toEqual([]);
  });

  it('takes a corpus directory written with a trailing slash the same way', async () => {
    const file = await save('gone.json');
    expect(await retireFixed(file, `${corpusDir}/`)).toBe(join(root, 'fixed', 'gone.json'));
  });
});
