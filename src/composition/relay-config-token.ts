/** Injection token of the domain's `RelayConfig`. */
export const RelayConfig = Symbol('RelayConfig');
