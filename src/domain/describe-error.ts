/**
 * Where it failed, never what it carried: the error's class and the first frame of its stack.
 * Messages are left out because some quote their input (JSON.parse's do).
 */
export function describeError(error: unknown): Record<string, string> {
  if (!(error instanceof Error)) return { error: typeof error };
  const where = error.stack?.split('\n').find((line) => line.trim().startsWith('at '))?.trim() ?? 'unknown';
  return { error: error.name, where };
}
