import { readFileSync } from 'node:fs';

/** A Markdown file's lines outside fenced code blocks, with their line numbers (from 1). */
export function proseLines(text: string): { line: string; number: number }[] {
  const lines: { line: string; number: number }[] = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (line.startsWith('```')) fenced = !fenced;
    else if (!fenced) lines.push({ line, number: i + 1 });
  });
  return lines;
}

/** The headings' texts, in order, without their `#`s. */
export function headings(text: string): string[] {
  return proseLines(text).flatMap(({ line }) => /^#{1,6} (.+?)\s*$/.exec(line)?.slice(1) ?? []);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replaceAll(' ', '-');
}

/** The anchors of a file's headings, a repeated one numbered as GitHub numbers it (`-1`, `-2`…). */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const heading of headings(text)) {
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** From the heading `title` (any level) to the next heading of the same or a higher level. */
export function section(file: string, title: string): string {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((line) => /^#{1,6} /.test(line) && line.replace(/^#+ /, '') === title);
  if (start === -1) throw new Error(`${file} has no heading "${title}"`);
  const level = /^#+/.exec(lines[start]!)![0].length;
  const prose = new Set(proseLines(text).map(({ number }) => number - 1));
  const end = lines.findIndex((line, i) => i > start && prose.has(i) && /^#+ /.test(line) && /^#+/.exec(line)![0].length <= level);
  return lines.slice(start, end === -1 ? undefined : end).join('\n');
}

/** The fenced code blocks of a Markdown text: their language (`sh`, or '' for none) and body. */
export function codeBlocks(text: string): { language: string; body: string }[] {
  const blocks: { language: string; body: string }[] = [];
  let open: { language: string; lines: string[] } | undefined;
  for (const line of text.split('\n')) {
    if (open === undefined && line.startsWith('```')) open = { language: line.slice(3).trim(), lines: [] };
    else if (open !== undefined && line.startsWith('```')) {
      blocks.push({ language: open.language, body: open.lines.join('\n') });
      open = undefined;
    } else open?.lines.push(line);
  }
  return blocks;
}
