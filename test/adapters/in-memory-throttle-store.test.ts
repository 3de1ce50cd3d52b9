import { InMemoryThrottleStore } from '../../src/adapters/memory/in-memory-throttle-store.ts';
import { throttleStoreContract } from '../contracts/throttle-store-contract.ts';
import { ManualClock } from '../support/fakes.ts';

throttleStoreContract('memory', () => {
  const clock = new ManualClock();
  return { store: new InMemoryThrottleStore(clock), advance: (ms) => clock.advance(ms), now: () => clock.now() };
});
