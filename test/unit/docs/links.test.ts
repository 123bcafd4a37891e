// The README is the front door and docs/ holds the rest: the README stays short, every relative
// link in them resolves to a file of the repository, and no Markdown file cites one outside it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..', '..');
const docs = (): string[] => ['README.md', ...readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

/** Relative link targets of a Markdown text: `[text](target)`, without anchors; web links and pure anchors left out. */
function relativeLinks(markdown: string): string[] {
  const out: string[] = [];
  for (const m of markdown.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    out.push(target.split('#')[0]!);
  }
  return out;
}

test('the README is at most 250 lines', () => {
  expect(readFileSync(join(REPO, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(250);
});

test('every relative link in the README and docs/ resolves inside the repository', () => {
  const broken: string[] = [];
  for (const file of docs()) {
    for (const target of relativeLinks(readFileSync(join(REPO, file), 'utf8'))) {
      const path = resolve(REPO, dirname(file), decodeURIComponent(target));
      if (relative(REPO, path).startsWith('..') || !existsSync(path)) broken.push(`${file} → ${target}`);
    }
  }
  expect(broken).toEqual([]);
});

test('the README links each page of docs/', () => {
  const readme = relativeLinks(readFileSync(join(REPO, 'README.md'), 'utf8')).map((t) => t.replace(/^\.\//, ''));
  const pages = docs().filter((f) => f !== 'README.md');
  expect(pages.filter((p) => !readme.includes(p))).toEqual([]);
});

test('no tracked Markdown file cites a document that lives outside the repository', () => {
  const tracked = execFileSync('git', ['ls-files', '*.md'], { cwd: REPO, encoding: 'utf8' }).split('\n').filter(Boolean);
  // The names are assembled so this file does not cite them itself.
  const outside = new RegExp([...['ARCHITECTURE', 'GCP-FACTS', 'CONVENTIONS'].map((n) => `${n}\\.md`), ['\\.\\.', 'shared', ''].join('/')].join('|'));
  const offenders = tracked.filter((f) => outside.test(readFileSync(join(REPO, f), 'utf8')));
  expect(offenders).toEqual([]);
});
