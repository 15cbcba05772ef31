import { mkdir, readdir, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { loadFailure, UnreadableFailureFile, type FailureFile } from '../reports/failure-file.js';
import type { Target } from '../targets/target.js';

export interface CorpusEntry {
  file: string;
  failure: FailureFile;
}

export interface Corpus {
  /** Failures of this family and kind of target, by file name. */
  entries: CorpusEntry[];
  /** Files that could not be read, each with why (a warning, not a stop). */
  skipped: Array<{ file: string; reason: string }>;
}

/** A simulated failure replays only in simulation, a network one (embedded or remote) only over a network. */
function sameKind(failure: FailureFile, kind: Target['kind']): boolean {
  return (failure.sim === true) === (kind === 'sim');
}

/** The saved failures in `dir` (none if it does not exist) that the current family and target can replay. */
export async function listCorpus(dir: string, wanted: { family: string; targetKind: Target['kind'] }): Promise<Corpus> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const corpus: Corpus = { entries: [], skipped: [] };
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = join(dir, name);
    try {
      const failure = await loadFailure(file);
      if (failure.property === wanted.family && sameKind(failure, wanted.targetKind)) corpus.entries.push({ file, failure });
    } catch (error) {
      if (!(error instanceof UnreadableFailureFile)) throw error;
      corpus.skipped.push({ file, reason: error.reason });
    }
  }
  return corpus;
}

/** Moves a failure that no longer reproduces beside the corpus, into `fixed/`; returns where it went. */
export async function retireFixed(file: string, corpusDir: string): Promise<string> {
  const fixed = join(dirname(corpusDir.replace(/\/+$/, '')), 'fixed');
  await mkdir(fixed, { recursive: true });
  const to = join(fixed, basename(file));
  await rename(file, to);
  return to;
}
