/** The wskprops file postdeploy writes for an environment: `WSK_CONFIG_FILE=<it> wsk …` just works. */
import { join } from 'node:path';
import type { Inventory } from '../../engine/inventory/types.ts';
import { Secret } from '../../engine/secret.ts';
import { envStateDir } from './paths.ts';
import type { AuthKey } from './secrets.ts';

export function wskpropsFile(inventory: Inventory, subject = 'guest'): string {
  return join(envStateDir(inventory), subject === 'guest' ? 'wskprops' : `wskprops.${subject}`);
}

export function wskpropsContent(apihost: string, key: AuthKey): Secret {
  return new Secret(`APIHOST=${apihost}\nAUTH=${key.pair.reveal()}\nAPIVERSION=v1\n`);
}
