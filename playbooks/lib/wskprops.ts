/** The wskprops file postdeploy writes for an environment: `WSK_CONFIG_FILE=<it> wsk …` just works. */
import { join } from 'node:path';
import type { Inventory } from '../../engine/inventory/types.ts';
import { envStateDir } from './paths.ts';

export function wskpropsFile(inventory: Inventory, subject = 'guest'): string {
  return join(envStateDir(inventory), subject === 'guest' ? 'wskprops' : `wskprops.${subject}`);
}
