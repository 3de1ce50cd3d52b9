import type { RelayConfig as RelayConfigShape } from '../domain/relay-config.ts';
import { token } from '../ports/token.ts';

/** Injection token of the domain's `RelayConfig`. */
export const RelayConfig = token<RelayConfigShape>('RelayConfig');
