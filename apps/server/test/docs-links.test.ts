/**
 * The repository's docs link only inside the repository (a clone, an offline reader and a
 * package tarball have nothing else): every link is a file of the repository, or a heading
 * of one, never a URL or a path that climbs out of it (the old `../shared/SPEC.md`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** README.md, docs/*.md, and the README of each app, package and example. */
function docs(): string[] {
  const found = ['README.md'];
  found.push(...readdirSync(join(root, 'docs')).map((name) => join('docs', name)));
  for (const group of ['apps', 'packages', 'examples']) {
    for (const name of readdirSync(join(root, group))) found.push(join(group, name, 'README.md'));
  }
  return found.filter((path) => path.endsWith('.md') && existsSync(join(root, path)));
}

/** Inline links and link definitions, outside code spans and fenced blocks. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)];
  const definitions = [...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)];
  return [...inline, ...definitions].map((match) => match[1]!);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const headings = markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.+)$/gm);
  return new Set(
    [...headings].map(([, text]) =>
      text!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}

it('finds the docs it checks', () => {
  expect(docs()).toEqual(
    expect.arrayContaining(['README.md', 'docs/rest-api.md', 'packages/client/README.md']),
  );
});

it('link only to files and headings inside the repository', () => {
  const broken: string[] = [];
  for (const doc of docs()) {
    for (const link of linksOf(readFileSync(join(root, doc), 'utf8'))) {
      const where = `${doc}: ${link}`;
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) {
        broken.push(`${where} (leaves the repository)`);
        continue;
      }
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? join(root, doc) : resolve(root, dirname(doc), path);
      if (relative(root, target).startsWith('..')) {
        broken.push(`${where} (outside the repository)`);
      } else if (!existsSync(target)) {
        broken.push(`${where} (no such file)`);
      } else if (anchor && !anchorsOf(readFileSync(target, 'utf8')).has(anchor)) {
        broken.push(`${where} (no such heading)`);
      }
    }
  }
  expect(broken).toEqual([]);
});
