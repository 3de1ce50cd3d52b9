import type { ConnectionGateway } from '../ports/connection-gateway.ts';
import type { IdGenerator } from '../ports/id-generator.ts';
import { token } from '../ports/token.ts';

/**
 * This process's own connections, as the transport holds them. The core's `ConnectionGateway`
 * is this one when the instance is alone, and its Redis decorator when instances act as one.
 */
export const LocalConnectionGateway = token<ConnectionGateway>('LocalConnectionGateway');

/** Ids as this process makes them; a scaled-out instance stamps itself on its connection ids. */
export const LocalIdGenerator = token<IdGenerator>('LocalIdGenerator');

/** This server's id (docs/protocol.md "Login by key"), read from the data directory once it is prepared. */
export const ServerId = token<string>('ServerId');
