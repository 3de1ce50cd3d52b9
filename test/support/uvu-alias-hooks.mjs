// Module hooks for the test runner: a test file's `import 'uvu'` gets time-limited-uvu.mjs, which
// wraps the real uvu (the wrapper's own import resolves as usual).
const WRAPPER = new URL('./time-limited-uvu.mjs', import.meta.url).href;
const TEST_DIR = new URL('..', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  const fromTestFile = context.parentURL?.startsWith(TEST_DIR) && context.parentURL !== WRAPPER;
  if (specifier === 'uvu' && fromTestFile) return { url: WRAPPER, shortCircuit: true };
  return nextResolve(specifier, context);
}
