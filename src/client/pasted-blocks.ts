/** xterm's bracketed paste mode: the terminal marks what is pasted (`ESC[200~` … `ESC[201~`). */
export const BRACKETED_PASTE_ON = '\u001b[?2004h';
export const BRACKETED_PASTE_OFF = '\u001b[?2004l';

/**
 * A block pasted into the terminal is one message, its lines kept, not one message a line
 * (issue 22). The terminal says where a paste begins and ends (bracketed paste, which the client
 * turns on), so lines typed one by one are never joined however fast they come, as a timing
 * guess would. A paste that ends inside a line waits for Enter, then goes with that line.
 */
export class PastedBlocks {
  private pasting = false;
  private block: string[] = [];

  /**
   * `input` emits readline's keypress events; `partial` is what is typed but not entered yet;
   * `kept` is told of a line kept for its block (to show the prompt again).
   */
  constructor(
    input: NodeJS.ReadableStream,
    private readonly partial: () => string,
    private readonly onText: (text: string) => void,
    private readonly kept: () => void,
  ) {
    input.on('keypress', (_sequence: string, key: { name?: string } | undefined) => {
      if (key?.name === 'paste-start') this.pasting = true;
      if (key?.name !== 'paste-end') return;
      this.pasting = false;
      if (this.block.length > 0 && this.partial() === '') this.flush();
    });
  }

  line(line: string): void {
    this.block.push(line);
    if (this.pasting) this.kept();
    else this.flush();
  }

  private flush(): void {
    const text = this.block.join('\n');
    this.block = [];
    this.onText(text);
  }
}
