import type { ContainerModule } from 'inversify';
import { ReconnectingOnionService } from '../adapters/tor/reconnecting-onion-service.ts';
import { OnionAddress, WebOptions } from '../adapters/web/web-options.ts';
import { WebRelayServer } from '../adapters/web/web-relay-server.ts';
import { WebListener } from './local-tokens.ts';
import { optional, typedModule } from './typed-module.ts';

/** `serve --web`: the web client's listener, beside the TCP transport whose registry and limits it shares. */
export function webModule(options: WebOptions): ContainerModule {
  return typedModule((bind) => {
    bind(WebOptions).toConstantValue(options);
    // The onion's address is asked at each upgrade: it exists only once `--onion` has published.
    bind(OnionAddress).toResolvedValue((onion: ReconnectingOnionService | undefined) => onion ?? { address: undefined }, [optional(ReconnectingOnionService)]);
    bind(WebRelayServer).toSelf().inSingletonScope();
    bind(WebListener).toService(WebRelayServer);
  });
}
