/**
 * The alarms provider inside the controller: the built-in feed package `/whisk.system/alarms`
 * (`alarm` with a cron schedule, `interval` with minutes), the endpoint its feed action calls —
 * PUT|GET|DELETE /api/v1/namespaces/{ns}/triggers/{name}/alarm — and firing due alarms as the
 * trigger's owner.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { badRequest, notFound, WhiskError } from '../common/errors.ts';
import type { ActionDoc } from '../common/types.ts';
import type { ControllerContext } from '../controller/context.ts';
import { objectBody, ownEntity, ownedName } from '../controller/entities.ts';
import { newTransactionId } from '../controller/http.ts';
import type { PackageDoc } from '../controller/resolver.ts';
import { fireTrigger, type TriggerDoc } from '../controller/trigger-fire.ts';
import { actionLimits } from '../controller/validate.ts';
import { resolveKind } from '../runtimes/manifest.ts';
import { openStore } from '../store/db.ts';
import { entityDocId } from '../store/entity-store.ts';
import { type AlarmSchedule, Alarms, alarmDocId } from './alarms.ts';

const SYSTEM = 'whisk.system';
const FEEDS: Record<string, string> = {
  alarm: 'Fire a trigger on a cron schedule (parameter cron, optional trigger_payload)',
  interval: 'Fire a trigger every N minutes (parameter minutes, optional trigger_payload)',
};

/** Starts the provider for this controller; returns it so the controller can close it. */
export async function startAlarms(app: FastifyInstance, ctx: ControllerContext): Promise<Alarms> {
  const alarms = new Alarms(
    openStore(ctx.config.db),
    async (alarm) => {
      const owner = await ctx.identities.forNamespace(alarm.namespace);
      if (!owner) return void (await alarms.unregister(alarm.namespace, alarm.trigger));
      try {
        await fireTrigger(
          ctx,
          owner,
          alarm.namespace,
          alarm.trigger,
          alarm.payload ?? {},
          newTransactionId(),
        );
      } catch (err) {
        // A deleted trigger ends its alarm, as upstream's provider disables it.
        if (err instanceof WhiskError && err.status === 404)
          await alarms.unregister(alarm.namespace, alarm.trigger);
        else throw err;
      }
    },
    ctx.log.child({ component: 'alarms' }),
  );
  await installFeeds(ctx);
  alarmRoutes(app, ctx, alarms);
  alarms.start();
  return alarms;
}

function alarmRoutes(app: FastifyInstance, ctx: ControllerContext, alarms: Alarms): void {
  const path = '/api/v1/namespaces/:ns/triggers/:name/alarm';
  const auth = { preHandler: ctx.auth };
  type Req = { Params: { ns: string; name: string } };

  app.put<Req>(path, auth, async (req) => {
    const { ns, name } = ownedName(ctx, req);
    await ownEntity<TriggerDoc>(ctx, 'trigger', ns, name);
    const given = objectBody(req.body, 'alarm');
    const schedule: AlarmSchedule = {
      ...(typeof given.cron === 'string' && given.cron ? { cron: given.cron } : {}),
      ...(given.minutes !== undefined ? { minutes: Number(given.minutes) } : {}),
      ...(given.payload && typeof given.payload === 'object'
        ? { payload: given.payload as Record<string, unknown> }
        : {}),
    };
    try {
      const doc = await alarms.register(ns, name, schedule);
      return {
        trigger: `/${ns}/${name}`,
        cron: doc.cron,
        minutes: doc.minutes,
        next: new Date(doc.next).toISOString(),
      };
    } catch (err) {
      throw badRequest(`The alarm of trigger /${ns}/${name} is invalid: ${(err as Error).message}.`);
    }
  });

  app.get<Req>(path, auth, async (req) => {
    const { ns, name } = ownedName(ctx, req);
    const doc = await alarms.find(alarmDocId(ns, name));
    if (!doc) throw notFound();
    return {
      trigger: `/${ns}/${name}`,
      cron: doc.cron,
      minutes: doc.minutes,
      next: new Date(doc.next).toISOString(),
    };
  });

  app.delete<Req>(path, auth, async (req) => {
    const { ns, name } = ownedName(ctx, req);
    if (!(await alarms.unregister(ns, name))) throw notFound();
    return { trigger: `/${ns}/${name}`, deleted: true };
  });
}

/** Creates /whisk.system/alarms and its feed actions when missing (shared, annotated `feed`). */
async function installFeeds(ctx: ControllerContext): Promise<void> {
  const pkgId = entityDocId(SYSTEM, 'alarms');
  if (!(await ctx.entities.find(pkgId))) {
    const pkg: PackageDoc & { _id: string } = {
      _id: pkgId,
      entityType: 'package',
      namespace: SYSTEM,
      name: 'alarms',
      version: '0.0.1',
      publish: true,
      annotations: [{ key: 'description', value: 'Alarms and periodic triggers' }],
      parameters: [],
      updated: Date.now(),
    };
    await ignoreConflict(ctx.entities.put(pkg));
  }
  const code = readFileSync(join(import.meta.dirname, 'feed-action.js'), 'utf8');
  const kind = resolveKind(ctx.manifest, 'nodejs:default')?.kind ?? 'nodejs:20';
  for (const [name, description] of Object.entries(FEEDS)) {
    const id = entityDocId(`${SYSTEM}/alarms`, name);
    if (await ctx.entities.find(id)) continue;
    const action: ActionDoc & { _id: string } = {
      _id: id,
      entityType: 'action',
      namespace: `${SYSTEM}/alarms`,
      name,
      version: '0.0.1',
      publish: false,
      annotations: [
        { key: 'feed', value: true },
        { key: 'description', value: description },
        { key: 'exec', value: kind },
      ],
      parameters: [],
      exec: { kind, code, binary: false },
      limits: actionLimits(undefined, ctx.config.actionLimits),
      updated: Date.now(),
    };
    await ignoreConflict(ctx.entities.put(action));
  }
}

/** Another controller installing the same document at the same time is fine. */
async function ignoreConflict(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (err) {
    if (!(err instanceof WhiskError && err.status === 409)) throw err;
  }
}
