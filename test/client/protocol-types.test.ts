import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ts from 'typescript';
import type { ClientFrameChannel } from '../../src/client/client-frame-channel.ts';

/**
 * The client is typed by the server's own frame unions (src/domain/frames.ts): a protocol
 * change the client does not follow must fail its compile. Proved by compiling the client
 * against edited copies of frames.ts.
 */
const FRAMES = resolve('src/domain/frames.ts');
const ENTRY_POINTS = [resolve('src/client/client.ts'), resolve('src/adapters/cli/health-check.ts')];
const options = ts.getParsedCommandLineOfConfigFile(resolve('tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!.options;
/** Parsed once for all the compiles (Node's type declarations are most of the work). */
const parsed = new Map<string, ts.SourceFile | undefined>();

/** The client's compile errors with frames.ts edited by `edit` (which must change something). */
function clientErrors(edit: (frames: string) => string): string[] {
  const original = readFileSync(FRAMES, 'utf8');
  const edited = edit(original);
  assert.is.not(edited, original, 'the edit applies to frames.ts as it is today');
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, version, ...rest) => {
    if (resolve(fileName) === FRAMES) return ts.createSourceFile(fileName, edited, version);
    if (!parsed.has(fileName)) parsed.set(fileName, read(fileName, version, ...rest));
    return parsed.get(fileName);
  };
  const program = ts.createProgram(ENTRY_POINTS, options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => `${relative('.', d.file?.fileName ?? '?')}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

test('unchanged frames: the client compiles', () => {
  assert.equal(clientErrors((frames) => `${frames}\n`), []);
});

test('a field the server stops sending (welcome.pending) breaks the client', () => {
  const errors = clientErrors((frames) => frames.replace(/(op: 'welcome';[^}]*?)\s*pending: number;?/, '$1'));
  assert.ok(errors.some((e) => e.startsWith('src/client/client-session.ts') && e.includes("'pending'")), errors.join('\n'));
});

test('a frame the server adds and the client does not handle breaks the client', () => {
  const errors = clientErrors((frames) => frames.replace('export type OutboundFrame =', "export type OutboundFrame =\n  | { op: 'typing'; from: string }"));
  assert.ok(errors.some((e) => e.startsWith('src/client/client-session.ts') && e.includes("'never'")), errors.join('\n'));
});

test('a field the server renames in what it accepts (send.body) breaks the client', () => {
  const errors = clientErrors((frames) => frames.replace(/(op: 'send'; to: string; )body/, '$1text'));
  // The body is sent sealed, by the end-to-end layer.
  assert.ok(errors.some((e) => e.startsWith('src/client/e2e/end-to-end.ts') && e.includes("'body'")), errors.join('\n'));
});

// Checked by `tsc --noEmit` (npm test): the channel sends only frames the server's decoder accepts.
export function sendsOnlyServerFrames(channel: ClientFrameChannel): void {
  // @ts-expect-error a send without a body is not a frame the server accepts
  channel.send({ op: 'send', to: 'bob' });
  // @ts-expect-error an op the server does not know
  channel.send({ op: 'typing' });
  channel.send({ op: 'ack', ids: ['m-1'] });
}

test.run();
