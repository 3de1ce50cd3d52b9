import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { anchors, headings, proseLines } from './support/markdown.ts';

// Issue 22: README.md and docs/*.md refer to each other by links and by `§ Heading`; every
// one must land on a file that exists and a heading it has.
const ROOT = resolve('.');
const DOCUMENTS = ['README.md', ...readdirSync('docs').filter((name) => name.endsWith('.md')).map((name) => join('docs', name))];
/** Where code, comments and help point at the documents. */
const SOURCES = ['src', 'bin', 'bench', 'docker', 'systemd', 'scripts', 'test', '.ci', 'docker-compose.yml', 'package.json'];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => (entry.name === 'node_modules' ? [] : filesUnder(join(path, entry.name))));
}

/** A path as written in `from`: relative to its directory, else to the repository's root. */
function target(from: string, path: string): string | undefined {
  return [resolve(dirname(from), path), resolve(ROOT, path)].find((candidate) => existsSync(candidate));
}

/**
 * `§ Heading …`: the longest heading of `document` the text starts with, ending where a word
 * ends; a heading's closing parenthesis may be left out (`§ Conversations on MLS` for
 * "Conversations on MLS (groups, devices, forward secrecy)"). Headings hold commas and
 * parentheses, so the reference has no closing mark of its own.
 */
function sectionNamed(document: string, text: string): string | undefined {
  return headings(document).flatMap((heading) => [heading, heading.replace(/ \([^)]*\)$/, '')])
    .filter((heading) => text.startsWith(heading) && !/^[\p{L}\p{N}]/u.test(text.slice(heading.length)))
    .sort((a, b) => b.length - a.length)[0];
}

/** `§ Heading` references of a line: the file named just before (`tor.md § …`), if any, and the text after. */
function sectionReferences(line: string): { path: string | undefined; text: string }[] {
  return [...line.matchAll(/§ /g)].map((match) => ({
    path: /([\w./-]+\.md),? $/.exec(line.slice(0, match.index))?.[1],
    text: line.slice(match.index + 2),
  }));
}

/** What is wrong with each link and `§` reference of one Markdown file, one line each. */
function brokenReferences(file: string, text = readFileSync(file, 'utf8')): string[] {
  const broken: string[] = [];
  const where = (number: number) => `${relative(ROOT, file)}:${number}`;
  for (const { line, number } of proseLines(text)) {
    for (const [, link] of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(link!)) continue;
      const [path, anchor] = link!.split('#') as [string, string | undefined];
      const linked = path === '' ? file : target(file, path);
      if (linked === undefined) broken.push(`${where(number)}: ${link} names no file`);
      else if (anchor !== undefined && !anchors(linked === file ? text : readFileSync(linked, 'utf8')).has(anchor)) {
        broken.push(`${where(number)}: ${link} names no heading of ${relative(ROOT, linked)}`);
      }
    }
    for (const reference of sectionReferences(line)) {
      const linked = reference.path === undefined ? file : target(file, reference.path);
      if (linked === undefined) broken.push(`${where(number)}: ${reference.path} names no file`);
      else if (sectionNamed(linked === file ? text : readFileSync(linked, 'utf8'), reference.text) === undefined) {
        broken.push(`${where(number)}: § ${reference.text.split(/\]\(|[;.,](?: |$)/)[0]} names no heading of ${relative(ROOT, linked)}`);
      }
    }
  }
  return broken;
}

/**
 * What is wrong with each citation in code or a comment: `docs/tor.md`, `docs/tor.md § Heading`,
 * `README "Heading"`. docs/protocol.md's sections are cited by their first words, and many are
 * no headings: only that it exists is checked.
 */
function brokenCitations(file: string, text: string): string[] {
  const broken: string[] = [];
  for (const match of text.matchAll(/\b(README(?:\.md)?|docs\/[\w-]+\.md)(?:,? (?:§ ([^\n]+)|"([^"\n]+)"))?/g)) {
    const linked = resolve(match[1] === 'README' ? 'README.md' : match[1]!);
    const line = `${file}:${text.slice(0, match.index).split('\n').length}`;
    const section = match[2] ?? match[3];
    if (!existsSync(linked)) broken.push(`${line}: ${match[1]} does not exist`);
    else if (section === undefined || linked.endsWith('protocol.md')) continue;
    else if (match[2] !== undefined ? sectionNamed(readFileSync(linked, 'utf8'), match[2]) === undefined : !headings(readFileSync(linked, 'utf8')).includes(match[3]!)) {
      broken.push(`${line}: ${match[0].split(/[;:)]/)[0]} names no heading`);
    }
  }
  return broken;
}

test('every relative link and every § reference between README.md and docs/*.md lands on a file and a heading', () => {
  const broken = DOCUMENTS.flatMap((file) => brokenReferences(resolve(file)));
  assert.equal(broken, []);
});

test('README.md links each document of docs/', () => {
  const readme = readFileSync('README.md', 'utf8');
  assert.equal(DOCUMENTS.filter((file) => file !== 'README.md' && !readme.includes(`](${file})`)), []);
});

test('code, comments and help that cite the documents cite a heading they have', () => {
  // This file's own probes below are broken on purpose.
  const sources = SOURCES.flatMap(filesUnder).filter((file) => resolve(file) !== fileURLToPath(import.meta.url));
  assert.ok(sources.length > 100, `${sources.length} files`);
  assert.equal(sources.flatMap((file) => brokenCitations(file, readFileSync(file, 'utf8'))), []);
});

test('the checks find what is broken: a missing file, heading or anchor, and let what is right pass', () => {
  const probe = resolve('docs/probe.md');
  const text = '# Probe\n\n## Two words, and more\n\n## Short (qualified)\n\n[a](nowhere.md) [b](tor.md#no-such-anchor) [c](#probe) [d](#two-words-and-more)\n'
    + 'See tor.md § No such section; § Two words, and more (here); § Two wordsmith. § Short, § Short (qualified), § Shorter.\n```sh\n[e](ignored.md) § Ignored in code\n```\n';
  assert.equal(brokenReferences(probe, text).map((line) => line.replace(/^docs\/probe\.md:\d+: /, '')), [
    'nowhere.md names no file',
    'tor.md#no-such-anchor names no heading of docs/tor.md',
    '§ No such section names no heading of docs/tor.md',
    '§ Two wordsmith names no heading of docs/probe.md',
    '§ Shorter names no heading of docs/probe.md',
  ]);
  const code = '// docs/tor.md § Admitting only operators: fine\n// docs/tor.md § Admitting everyone: wrong\n'
    + '# README "The documentation", README "Old section"; docs/nowhere.md, docs/protocol.md "Anything"\n';
  assert.equal(brokenCitations('probe.ts', code), [
    'probe.ts:2: docs/tor.md § Admitting everyone names no heading',
    'probe.ts:3: README "Old section" names no heading',
    'probe.ts:3: docs/nowhere.md does not exist',
  ]);
});

test.run();
