import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { visibleText } from '../../src/domain/visible-text.ts';

test('control characters, tab and DEL show as ^X; C1 controls as <U+XXXX>', () => {
  assert.is(visibleText('a\tb\u001b[2J\u0000\u007f\r\n'), 'a^Ib^[[2J^@^?^M^J');
  assert.is(visibleText('\u009b2J\u0085'), '<U+009B>2J<U+0085>');
});

test('every bidirectional control (Trojan Source) and the invisible separators show as <U+XXXX>', () => {
  const bidi = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];
  assert.is(visibleText(bidi.join('')), '<U+202A><U+202B><U+202C><U+202D><U+202E><U+2066><U+2067><U+2068><U+2069><U+200E><U+200F><U+061C>');
  assert.is(visibleText('a\u200bb\u2028c\u2029d\u2060e\ufefff'), 'a<U+200B>b<U+2028>c<U+2029>d<U+2060>e<U+FEFF>f');
});

test('ordinary text is untouched, joiners included (emoji sequences, Persian words)', () => {
  const text = 'héllo 世界 👨\u200d👩\u200d👧 می\u200cخواهم ✓';
  assert.is(visibleText(text), text);
});

test.run();
