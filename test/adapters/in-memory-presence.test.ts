import { InMemoryPresence } from '../../src/adapters/memory/in-memory-presence.ts';
import { presenceContract } from '../contracts/presence-contract.ts';

presenceContract('memory', async () => ({ presence: new InMemoryPresence(), dispose: async () => undefined }));
