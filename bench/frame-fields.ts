/**
 * Reads string fields of a frame line without `JSON.parse`, so the load generator stays
 * cheaper than the server it measures. Frames are flat objects; inside a JSON string every
 * `"` is escaped, so `"key":"` only matches a real key. Returns undefined when the field is
 * missing or holds an escape: the caller then parses the line properly.
 */
export function stringField(line: string, key: string): string | undefined {
  const marker = `"${key}":"`;
  const at = line.indexOf(marker);
  if (at === -1) return undefined;
  const start = at + marker.length;
  const end = line.indexOf('"', start);
  if (end === -1) return undefined;
  const value = line.slice(start, end);
  return value.includes('\\') ? undefined : value;
}

/** The `op` of a line that starts `{"op":"…"`, as every Litsxg server writes them; else undefined. */
export function leadingOp(line: string): string | undefined {
  if (!line.startsWith('{"op":"')) return undefined;
  const end = line.indexOf('"', 7);
  return end === -1 ? undefined : line.slice(7, end);
}
