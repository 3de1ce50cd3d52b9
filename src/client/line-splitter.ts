/** Splits a UTF-8 text stream into lines (PROTOCOL "Framing": `\n`, `\r\n` accepted). */
export class LineSplitter {
  private rest = '';

  /** Calls `onLine` for every complete line in `chunk`; keeps the unfinished tail. */
  push(chunk: string, onLine: (line: string) => void): void {
    let start = 0;
    let text = chunk;
    if (this.rest.length > 0) {
      text = this.rest + chunk;
      this.rest = '';
    }
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      onLine(text.slice(start, stop));
      start = end + 1;
    }
    if (start < text.length) this.rest = text.slice(start);
  }

  /** Characters held of an unfinished line. */
  get pending(): number {
    return this.rest.length;
  }
}
