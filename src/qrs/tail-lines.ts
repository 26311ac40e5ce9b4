import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

/** A line longer than this keeps only its end: one endless line must not fill memory. */
const MAX_LINE_CHARS = 16 * 1024;

/**
 * Keeps the last `count` lines of text fed to it in chunks, so a log of any size is read
 * with memory for `count` lines only. Lines end with LF or CRLF (Qlik writes CRLF); a BOM
 * and a final line without an ending are handled.
 */
export class TailLines {
  private readonly lines: string[] = [];
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  private started = false;

  constructor(private readonly count: number) {}

  push(chunk: Buffer | string): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (!this.started && text !== '') {
      this.started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    if (this.partial.length > MAX_LINE_CHARS) this.partial = this.partial.slice(-MAX_LINE_CHARS);
    for (const line of parts) this.keep(line);
  }

  /** The last lines, oldest first. */
  end(): string[] {
    this.partial += this.decoder.end();
    if (this.partial !== '') this.keep(this.partial);
    this.partial = '';
    return [...this.lines];
  }

  private keep(line: string): void {
    if (this.count <= 0) return;
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    this.lines.push(clean.length > MAX_LINE_CHARS ? clean.slice(-MAX_LINE_CHARS) : clean);
    if (this.lines.length > this.count) this.lines.shift();
  }
}

/** Reads `stream` to its end and returns its last `count` lines. */
export async function tailOf(stream: Readable, count: number): Promise<string[]> {
  const tail = new TailLines(count);
  for await (const chunk of stream) tail.push(chunk as Buffer);
  return tail.end();
}
