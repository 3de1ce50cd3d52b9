/** The server cannot listen where it was told to (the address is taken, or not this machine's). */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}
