/** Exit statuses of `bin/litsxg`, distinct per cause so a supervisor can tell them apart. */
export const ExitStatus = {
  ok: 0,
  /** The command ran and said no: unhealthy, unknown operator, weak password… */
  failed: 1,
  /** An unknown option or a bad value (PROTOCOL "Command line"). */
  usage: 2,
  /** The data directory cannot be created, or another server holds its lock. */
  dataDirectory: 3,
  /** The credential database is unreadable, corrupt, or from a newer Litsxg. */
  credentials: 4,
  /** The address cannot be listened on. */
  listen: 5,
  /** Tor's control port is unreachable or refuses the onion service. */
  tor: 6,
  /** `--buffer redis`: Redis cannot be reached at start. */
  redis: 7,
  /** `client`: the server never answered (the name does not resolve, nothing listens, the proxy cannot reach it). */
  unreachable: 8,
  /** A bug: an exception nothing else caught. */
  internal: 70,
} as const;
