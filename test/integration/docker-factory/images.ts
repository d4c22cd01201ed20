/** The runtime images the docker factory tests run, built from this machine (fast when up to date). */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerClient } from '../../../engine/docker/client.ts';
import { buildImages } from '../../../engine/images/build.ts';
import { selectRecipes } from '../../../images/index.ts';
import { REPO_ROOT } from '../../../playbooks/lib/paths.ts';

export const IMAGE_PREFIX = 'whisk';
export const IMAGE_TAG = 'latest';

export async function ensureImages(names: string[]): Promise<void> {
  await buildImages(selectRecipes(names), {
    docker: dockerClient(),
    root: REPO_ROOT,
    prefix: IMAGE_PREFIX,
    tag: IMAGE_TAG,
    cacheDir: join(tmpdir(), 'owctl-test-image-cache'),
  });
}
