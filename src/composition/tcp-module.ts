import type { ContainerModule } from 'inversify';
import { TcpConnectionGateway } from '../adapters/tcp/tcp-connection-gateway.ts';
import { TcpConnectionRegistry } from '../adapters/tcp/tcp-connection-registry.ts';
import { TcpRelayServer } from '../adapters/tcp/tcp-relay-server.ts';
import { TransportOptions } from '../adapters/tcp/transport-options.ts';
import { LocalConnectionGateway } from './local-tokens.ts';
import { typedModule } from './typed-module.ts';

/** The TCP transport: the listening server and this process's connections. */
export function tcpModule(options: TransportOptions): ContainerModule {
  return typedModule((bind) => {
    bind(TransportOptions).toConstantValue(options);
    bind(TcpConnectionRegistry).toSelf().inSingletonScope();
    bind(LocalConnectionGateway).to(TcpConnectionGateway).inSingletonScope();
    bind(TcpRelayServer).toSelf().inSingletonScope();
  });
}
