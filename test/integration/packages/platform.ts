/**
 * A whole platform for programming-model tests: pouchdb-server with the guest, other and
 * whisk.system subjects, a controller, and the real invoker (process factory, no sandbox). Also a
 * runner for the real `wsk` CLI process pointed at that controller.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLogger } from '../../../services/common/log.ts';
import type { ControllerConfig } from '../../../services/controller/config.ts';
import type { Controller } from '../../../services/controller/controller.ts';
import { parseInvokerConfig } from '../../../services/invoker/config.ts';
import { type Invoker, startInvoker } from '../../../services/invoker/invoker.ts';
import { ActivationStore } from '../../../services/store/activation-store.ts';
import { openStore } from '../../../services/store/db.ts';
import type { TestCouch } from '../../support/couch.ts';
import { controllerOn, GUEST_AUTH, startDb } from '../controller/harness.ts';

export { api, GUEST_AUTH, OTHER_AUTH } from '../controller/harness.ts';
export const SYSTEM_AUTH = 'bbbbbbbb-71f6-4ed5-8c54-816aa4f8c502:systemkey';

export interface Platform {
  couch: TestCouch;
  db: { url: string; prefix: string };
  controller: Controller;
  invoker: Invoker;
  close(): Promise<void>;
}

export async function startPlatform(overrides: Partial<ControllerConfig> = {}): Promise<Platform> {
  const { couch, ...db } = await startDb();
  const [uuid, key] = SYSTEM_AUTH.split(':');
  await openStore(db).subjects.insert({
    _id: 'whisk.system',
    subject: 'whisk.system',
    namespaces: [{ name: 'whisk.system', uuid: uuid!, key: key! }],
  });
  const controller = await controllerOn(db, {
    limits: { invocationsPerMinute: 1000, concurrentInvocations: 50 },
    ...overrides,
  });
  const stateDir = await mkdtemp(join(tmpdir(), 'owctl-invoker-'));
  const invoker = await startInvoker(
    parseInvokerConfig({
      port: 0,
      controllers: [controller.url],
      stateDir,
      prewarm: false,
      sandbox: 'none',
      apihost: controller.url,
    }),
    { sink: new ActivationStore(openStore(db)), logger: createLogger('invoker', 'silent') },
  );
  await waitForInvoker(controller.url);
  return {
    couch,
    db,
    controller,
    invoker,
    close: async () => {
      await invoker.close();
      await controller.close();
      await couch.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

async function waitForInvoker(controllerUrl: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const health = (await (await fetch(`${controllerUrl}/invokers`)).json()) as Record<string, string>;
    if (health.invoker0 === 'up') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the test invoker did not report to the controller at ${controllerUrl} within 5 s`);
}

export const nodeAction = (code: string, extra: Record<string, unknown> = {}) => ({
  exec: { kind: 'nodejs:20', code },
  ...extra,
});

const WSK = resolve(import.meta.dirname, '../../../bin/wsk.js');

export interface WskRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A `wsk` runner: the real CLI process against `apihost` with `auth`, run in `cwd`. */
export function wskOn(apihost: string, cwd: string, auth = GUEST_AUTH) {
  return (...args: string[]): Promise<WskRun> =>
    new Promise((done) => {
      execFile(
        process.execPath,
        [WSK, ...args],
        {
          cwd,
          env: {
            PATH: process.env.PATH,
            HOME: cwd,
            WSK_CONFIG_FILE: join(cwd, 'wskprops'),
            WHISK_APIHOST: apihost,
            WHISK_AUTH: auth,
          },
        },
        (err, stdout, stderr) => done({ code: err ? Number(err.code) : 0, stdout, stderr }),
      );
    });
}
