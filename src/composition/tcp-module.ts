import { ContainerModule } from 'inversify';
import { TcpConnectionGateway } from '../adapters/tcp/tcp-connection-gateway.ts';
import { TcpConnectionRegistry } from '../adapters/tcp/tcp-connection-registry.ts';
import { TcpRelayServer } from '../adapters/tcp/tcp-relay-server.ts';
import { TransportOptions } from '../adapters/tcp/transport-options.ts';
import { ConnectionGateway } from '../ports/connection-gateway.ts';

export function tcpModule(options: TransportOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<TransportOptions>(TransportOptions).toConstantValue(options);
    bind(TcpConnectionRegistry).toSelf().inSingletonScope();
    bind(ConnectionGateway).to(TcpConnectionGateway).inSingletonScope();
    bind(TcpRelayServer).toSelf().inSingletonScope();
  });
}
