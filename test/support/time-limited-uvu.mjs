// What test files get when they import 'uvu' under the runner (see uvu-alias-hooks.mjs): uvu's own
// suites, with a time limit on every test and hook, so a hung test fails with its name instead of
// hanging the run. uvu itself has no per-test timeout.
import * as uvu from 'uvu';
import { TIME_LIMIT } from './time-limit.ts';

const DEFAULT_LIMIT_MS = Number(process.env.LITSXG_TEST_TIME_LIMIT_MS ?? 180_000);

/** Runs `handler`, failing it once it has run longer than its limit. */
function limited(what, handler) {
  const limitMs = handler[TIME_LIMIT] ?? DEFAULT_LIMIT_MS;
  return (state) => {
    let timer;
    const expired = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} ran past its time limit of ${limitMs / 1000} s`)), limitMs);
    });
    return Promise.race([Promise.resolve().then(() => handler(state)), expired]).finally(() => clearTimeout(timer));
  };
}

function limitedSuite(real, suiteName) {
  const label = (name) => (suiteName ? `${suiteName}: "${name}"` : `"${name}"`);
  const register = (into) => (name, handler) => into(name, limited(`test ${label(name)}`, handler));
  const hook = (into, kind) => (handler) => into(limited(`${kind} hook of ${suiteName || 'a suite'}`, handler));
  const wrapped = register(real);
  wrapped.only = register(real.only);
  wrapped.skip = real.skip;
  wrapped.run = real.run;
  wrapped.before = hook(real.before, 'before');
  wrapped.before.each = hook(real.before.each, 'before.each');
  wrapped.after = hook(real.after, 'after');
  wrapped.after.each = hook(real.after.each, 'after.each');
  return wrapped;
}

export const suite = (name = '', state = {}) => limitedSuite(uvu.suite(name, state), name);
export const test = limitedSuite(uvu.test, '');
export const exec = uvu.exec;
