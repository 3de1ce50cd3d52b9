import type { AddressInfo } from 'node:net';
import type { ConnectionGateway } from '../ports/connection-gateway.ts';
import type { IdGenerator } from '../ports/id-generator.ts';
import type { SenderBuckets } from '../ports/sender-buckets.ts';
import { token } from '../ports/token.ts';

/**
 * This process's own connections, as the transport holds them. The core's `ConnectionGateway`
 * is this one when the instance is alone, and its Redis decorator when instances act as one.
 */
export const LocalConnectionGateway = token<ConnectionGateway>('LocalConnectionGateway');

/** Ids as this process makes them; a scaled-out instance stamps itself on its connection ids. */
export const LocalIdGenerator = token<IdGenerator>('LocalIdGenerator');

/**
 * The buckets of key-package fetches (docs/protocol.md "Devices and key packages"): the
 * SenderBuckets port again, with keys of their own (`kp/NAME`), but an instance of its own,
 * because Redis's batches one turn's takes under a single rate.
 */
export const KeyPackageFetchBuckets = token<SenderBuckets>('KeyPackageFetchBuckets');

/** This server's id (docs/protocol.md "Login by key"), read from the data directory once it is prepared. */
export const ServerId = token<string>('ServerId');

/**
 * `serve --web`'s listener, named by a token so that starting needs neither its class nor the
 * WebSocket library unless --web loads the web module (docs/performance.md § Startup and memory).
 */
export const WebListener = token<{ listen(): Promise<AddressInfo>; close(): Promise<void> }>('WebListener');
