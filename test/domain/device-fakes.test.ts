import { deviceDirectoryContract } from '../contracts/device-directory-contract.ts';
import { keyPackageStoreContract } from '../contracts/key-package-store-contract.ts';
import { InMemoryDevices } from '../support/device-fakes.ts';
import { InMemoryCredentialRepository, InMemoryKeyDirectory, ManualClock } from '../support/fakes.ts';

/** The domain tests' fake keeps the same contract as the database adapters, so what they prove holds there too. */
async function fake() {
  const credentials = new InMemoryCredentialRepository();
  const keys = new InMemoryKeyDirectory(credentials);
  const devices = new InMemoryDevices(credentials, keys, new ManualClock());
  return { credentials, keys, devices, packages: devices, cascades: false, dispose: async () => undefined };
}

deviceDirectoryContract('in-memory fake', fake);
keyPackageStoreContract('in-memory fake', fake);
