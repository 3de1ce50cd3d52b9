/** The server answered `auth` or `register` with an error frame. */
export class LoginRefused extends Error {
  constructor(readonly code: string) {
    super(`login refused: ${code}`);
  }
}
