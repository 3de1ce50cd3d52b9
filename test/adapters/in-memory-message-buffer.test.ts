import { InMemoryMessageBuffer } from '../../src/adapters/memory/in-memory-message-buffer.ts';
import { messageBufferContract } from '../contracts/message-buffer-contract.ts';

messageBufferContract('memory', async () => ({ buffer: new InMemoryMessageBuffer(), dispose: async () => undefined }));
