/**
 * A user's own action image for blackbox tests, built with dockerd's builder on top of the
 * nodejs runtime image: a tiny server speaking the action proxy protocol (honouring
 * __OW_PROXY_PORT, as images must under host networking).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerClient } from '../../../engine/docker/client.ts';
import { followProgress } from '../../../engine/docker/progress.ts';
import { IMAGE_PREFIX, IMAGE_TAG } from './images.ts';

export const BLACKBOX_IMAGE = 'owtest/blackbox:1';

const SERVER = `import { createServer } from 'node:http';
const END = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';
createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    if (req.url !== '/run') return res.end('{"ok":true}');
    const { value } = JSON.parse(body);
    console.log('blackbox ran');
    console.log(END);
    console.error(END);
    res.end(JSON.stringify({ blackbox: true, echo: value }));
  });
}).listen(Number(process.env.__OW_PROXY_PORT ?? 8080), process.env.__OW_PROXY_HOST ?? '0.0.0.0');
`;

/** Builds BLACKBOX_IMAGE (needs the nodejs runtime image present). */
export async function ensureBlackboxImage(): Promise<string> {
  const docker = dockerClient();
  const dir = mkdtempSync(join(tmpdir(), 'owtest-blackbox-'));
  try {
    writeFileSync(join(dir, 'server.mjs'), SERVER);
    writeFileSync(
      join(dir, 'Dockerfile'),
      `FROM ${IMAGE_PREFIX}/action-nodejs-v20:${IMAGE_TAG}\nCOPY server.mjs /bb/server.mjs\nCMD ["/usr/bin/node", "/bb/server.mjs"]\n`,
    );
    const stream = await docker.buildImage(
      { context: dir, src: ['Dockerfile', 'server.mjs'] },
      { t: BLACKBOX_IMAGE },
    );
    await followProgress(docker, stream);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return BLACKBOX_IMAGE;
}
