// The repository stands alone: a fresh clone has everything its files refer
// to. No file points into a sibling checkout, no relative link or import
// leaves the repository, and links between its Markdown files land on a file
// (and heading) that exists.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Tracked files and new ones git does not ignore: what a commit of this tree would hold. */
function repositoryFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return listed
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(ROOT, file)) && statSync(join(ROOT, file)).isFile())
    .sort();
}

/** Text files only: a NUL byte marks a binary one, which holds no links. */
function textOf(file: string): string | undefined {
  const content = readFileSync(join(ROOT, file));
  return content.includes(0) ? undefined : content.toString('utf8');
}

const FILES = repositoryFiles().flatMap((file) => {
  const text = textOf(file);
  return text === undefined ? [] : [{ file, text }];
});
const MARKDOWN = FILES.filter(({ file }) => extname(file) === '.md');
const CODE = FILES.filter(({ file }) => ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'].includes(extname(file)));

/** Assembled from pieces so that this file does not contain what it looks for. */
const SIBLING_CHECKOUT = ['..', 'shared'].join('/');

/** Inline links `[text](target)` and images, and reference definitions `[label]: target`, outside code. */
function markdownLinks(text: string): string[] {
  const prose = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] ?? '');
  const definitions = [...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1] ?? '');
  return [...inline, ...definitions];
}

/** Module specifiers of static and dynamic imports, re-exports and requires. */
function importSpecifiers(text: string): string[] {
  const patterns = [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\bimport\s+['"]([^'"]+)['"]/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1] ?? ''));
}

const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

/** Where a relative target of `file` points, as a path from the repository root ('..' first when outside). */
function fromRoot(file: string, target: string): string {
  return relative(ROOT, resolve(ROOT, dirname(file), target));
}

const isOutside = (path: string): boolean => path === '..' || path.startsWith(`..${'/'}`) || isAbsolute(path);

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const match of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = (match[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  for (const match of prose.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1] ?? '');
  return anchors;
}

describe('the repository stands alone', () => {
  it('finds the files it checks', () => {
    expect(MARKDOWN.map(({ file }) => file)).toEqual(expect.arrayContaining(['README.md', 'docs/protocol.md']));
    expect(CODE.length).toBeGreaterThan(50);
  });

  it('has no file that refers to a sibling checkout', () => {
    const referring = FILES.filter(({ text }) => text.includes(SIBLING_CHECKOUT)).map(({ file }) => file);
    expect(referring).toEqual([]);
  });

  it('has no relative import that leaves the repository', () => {
    const leaving = CODE.flatMap(({ file, text }) =>
      importSpecifiers(text)
        .filter((specifier) => specifier.startsWith('.') && isOutside(fromRoot(file, specifier)))
        .map((specifier) => `${file}: ${specifier}`),
    );
    expect(leaving).toEqual([]);
  });

  it('has Markdown links that stay inside and land on a file and heading that exist', () => {
    const broken = MARKDOWN.flatMap(({ file, text }) =>
      markdownLinks(text)
        .filter((target) => !isExternal(target))
        .flatMap((target) => {
          const [path = '', anchor] = decodeURI(target).split('#');
          const to = path === '' ? file : fromRoot(file, path);
          if (isOutside(to)) return [`${file}: ${target} leaves the repository`];
          if (!existsSync(join(ROOT, to))) return [`${file}: ${target} names no file`];
          if (anchor === undefined || anchor === '' || extname(to) !== '.md') return [];
          return headingAnchors(readFileSync(join(ROOT, to), 'utf8')).has(anchor) ? [] : [`${file}: ${target} names no heading of ${to}`];
        }),
    );
    expect(broken).toEqual([]);
  });

  it('tells a link that leaves the repository, and a missing heading, from good ones', () => {
    expect(isOutside(fromRoot('README.md', `${SIBLING_CHECKOUT}/x.md`))).toBe(true);
    expect(isOutside(fromRoot('docs/protocol.md', '../README.md'))).toBe(false);
    expect(isOutside(fromRoot('docs/protocol.md', '../../README.md'))).toBe(true);
    expect(markdownLinks('see [a](docs/a.md#b) and `[c](d.md)`\n[e]: ../f.md\n```\n[g](h.md)\n```\n')).toEqual(['docs/a.md#b', '../f.md']);
    expect(headingAnchors('# Title\n## WebSocket `/ws`: messages\n## Title\n')).toEqual(new Set(['title', 'websocket-ws-messages', 'title-1']));
  });
});
