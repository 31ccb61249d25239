/**
 * A note's Markdown as report blocks: a safe subset read as plain text (headings `#`..`###`,
 * `-`/`*` bullet lists, fenced code, paragraphs separated by blank lines). Nothing is ever
 * taken as HTML: the writers escape every character of the text they lay out.
 */
import type { Block } from './blocks.ts';

const HEADING = /^(#{1,3})\s+(.*)$/;
const BULLET = /^\s*[-*]\s+(.*)$/;
const FENCE = /^\s*```/;

/** The blocks of a note's text (see the module comment). */
export function noteBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
    if (list.length > 0) blocks.push({ kind: 'list', items: list });
    paragraph = [];
    list = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (FENCE.test(line)) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !FENCE.test(lines[i] as string); i++)
        code.push(lines[i] as string);
      blocks.push({ kind: 'code', text: code.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    const bullet = BULLET.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: 'heading', level: 3, text: heading[2] as string });
    } else if (bullet) {
      if (paragraph.length > 0) flush();
      list.push(bullet[1] as string);
    } else if (line.trim() === '') flush();
    else {
      if (list.length > 0) flush();
      paragraph.push(line.trim());
    }
  }
  flush();
  return blocks;
}
