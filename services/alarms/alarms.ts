/**
 * The platform's alarms provider (upstream's openwhisk-package-alarms): each registered alarm is a
 * document `alarm:{ns}/{trigger}` in the whisks database (outside the entity views) holding its
 * schedule and its next due time. Every controller ticks once a second; a due alarm is claimed by
 * writing its next due time with the document's `_rev` (compare-and-swap), so exactly one
 * controller fires each tick, and schedules survive restarts.
 */
import { CronExpressionParser } from 'cron-parser';
import type { Logger } from '../common/log.ts';
import { couchStatus, type Doc, type Store } from '../store/db.ts';

export interface AlarmSchedule {
  /** Cron with optional seconds field, e.g. `*\/1 * * * * *`. */
  cron?: string;
  /** Every N minutes (the `interval` feed). */
  minutes?: number;
  /** Fire payload (`trigger_payload` upstream). */
  payload?: Record<string, unknown>;
}

export interface AlarmDoc extends AlarmSchedule {
  _id: string;
  _rev?: string;
  alarmDoc: true;
  namespace: string;
  trigger: string;
  /** Epoch ms of the next fire. */
  next: number;
}

const PREFIX = 'alarm:';
export const alarmDocId = (namespace: string, trigger: string) => `${PREFIX}${namespace}/${trigger}`;

/** The first due time after `after`; throws with the cron parser's reason when the schedule is invalid. */
export function nextDue(schedule: AlarmSchedule, after: number): number {
  if (schedule.cron) {
    return CronExpressionParser.parse(schedule.cron, { currentDate: new Date(after) })
      .next()
      .getTime();
  }
  if (schedule.minutes && schedule.minutes > 0) return after + schedule.minutes * 60_000;
  throw new Error('an alarm needs a cron schedule (cron) or an interval in minutes (minutes)');
}

export type FireAlarm = (alarm: AlarmDoc) => Promise<void>;

export class Alarms {
  private timer?: NodeJS.Timeout;
  private ticking = false;

  constructor(
    private readonly store: Store,
    private readonly fire: FireAlarm,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), 1000);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** Registers (or replaces) the alarm of a trigger. */
  async register(namespace: string, trigger: string, schedule: AlarmSchedule): Promise<AlarmDoc> {
    const next = nextDue(schedule, Date.now());
    const existing = await this.find(alarmDocId(namespace, trigger));
    const doc: AlarmDoc = {
      _id: alarmDocId(namespace, trigger),
      ...(existing?._rev ? { _rev: existing._rev } : {}),
      alarmDoc: true,
      namespace,
      trigger,
      ...(schedule.cron ? { cron: schedule.cron } : {}),
      ...(schedule.minutes ? { minutes: schedule.minutes } : {}),
      payload: schedule.payload ?? {},
      next,
    };
    const res = await this.store.whisks.insert(doc as unknown as Doc);
    return { ...doc, _rev: res.rev };
  }

  async unregister(namespace: string, trigger: string): Promise<boolean> {
    // A controller may claim a tick (a _rev compare-and-swap) between our read and our delete:
    // read the new revision and try again.
    for (let attempt = 0; ; attempt++) {
      const existing = await this.find(alarmDocId(namespace, trigger));
      if (!existing?._rev) return false;
      try {
        await this.store.whisks.destroy(existing._id, existing._rev);
        return true;
      } catch (err) {
        if (couchStatus(err) !== 409 || attempt >= 10) throw err;
      }
    }
  }

  async find(id: string): Promise<AlarmDoc | undefined> {
    try {
      return (await this.store.whisks.get(id)) as unknown as AlarmDoc;
    } catch (err) {
      if (couchStatus(err) === 404) return undefined;
      throw err;
    }
  }

  /** Claims and fires every due alarm; a lost compare-and-swap means another controller fired it. */
  async tick(now = Date.now()): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const res = await this.store.whisks.list({
        startkey: PREFIX,
        endkey: `${PREFIX}\ufff0`,
        include_docs: true,
      });
      for (const row of res.rows) {
        const alarm = row.doc as unknown as AlarmDoc | undefined;
        if (!alarm?.alarmDoc || alarm.next > now) continue;
        const claimed = { ...alarm, next: nextDue(alarm, now) };
        try {
          await this.store.whisks.insert(claimed as unknown as Doc);
        } catch (err) {
          if (couchStatus(err) === 409) continue;
          throw err;
        }
        await this.fire(alarm).catch((err: Error) =>
          this.log.warn({ alarm: alarm._id, err: err.message }, 'alarm fire failed'),
        );
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'alarms tick failed; retrying next second');
    } finally {
      this.ticking = false;
    }
  }
}
