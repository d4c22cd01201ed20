/**
 * Actions, triggers, rules and packages in `{prefix}whisks`: get/put/delete with revision handling,
 * listing through the `whisks.v2.1.0` views, and a cache kept coherent across controllers by the
 * database's changes feed (so the warm invoke path never touches CouchDB).
 */
import { Messages, notFound, WhiskError } from '../common/errors.ts';
import type { EntityBase } from '../common/types.ts';
import { InvalidatingCache } from './cache.ts';
import { type ChangesFollower, followChanges } from './changes.ts';
import { couchStatus, type Doc, type Store } from './db.ts';
import { WHISKS_DDOC } from './design.ts';

export type StoredEntity<T extends EntityBase = EntityBase> = T & { _id: string; _rev: string };
export type EntityView = 'actions' | 'triggers' | 'rules' | 'packages' | 'packages-public' | 'all';

export interface ListOptions {
  limit: number;
  skip: number;
}

/** Doc id of an entity: `{namespace}/{name}`, where namespace may be `ns/pkg`. */
export const entityDocId = (namespace: string, name: string) => `${namespace}/${name}`;

export class EntityStore {
  private readonly cache = new InvalidatingCache<StoredEntity>();
  private follower?: ChangesFollower;

  constructor(
    private readonly store: Store,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  /** Starts following `_changes` so other controllers' writes invalidate this cache. */
  async start(): Promise<void> {
    this.follower = followChanges(
      `${this.store.config.url.replace(/\/$/, '')}/${this.store.names.whisks}`,
      (ids) => {
        if (ids.includes('*')) this.cache.clear();
        else for (const id of ids) this.cache.invalidate(id);
      },
      this.onError,
    );
    await this.follower.ready;
  }

  close(): void {
    this.follower?.stop();
  }

  /** The entity, or a 404 WhiskError. */
  async get<T extends EntityBase>(docId: string): Promise<StoredEntity<T>> {
    const doc = await this.find<T>(docId);
    if (!doc) throw notFound();
    return doc;
  }

  /** The entity, or undefined when it does not exist. */
  async find<T extends EntityBase>(docId: string): Promise<StoredEntity<T> | undefined> {
    const doc = await this.cache.get(docId, async () => {
      try {
        return (await this.store.whisks.get(docId)) as unknown as StoredEntity;
      } catch (err) {
        if (couchStatus(err) === 404) return undefined;
        throw storeError(err, `reading ${docId}`);
      }
    });
    return doc as StoredEntity<T> | undefined;
  }

  /**
   * Writes the entity; `_rev` must be the stored revision when replacing. A lost race answers 409
   * `Concurrent modification to resource detected.` (or `resource already exists` on create).
   */
  async put<T extends EntityBase>(entity: T & { _id: string; _rev?: string }): Promise<StoredEntity<T>> {
    this.cache.invalidate(entity._id);
    try {
      const res = await this.store.whisks.insert(entity as unknown as Doc);
      const stored = { ...entity, _rev: res.rev } as StoredEntity<T>;
      return stored;
    } catch (err) {
      if (couchStatus(err) === 409) {
        throw new WhiskError(409, entity._rev ? Messages.concurrentModification : Messages.resourceExists);
      }
      throw storeError(err, `writing ${entity._id}`);
    } finally {
      this.cache.invalidate(entity._id);
    }
  }

  async delete(docId: string, rev: string): Promise<void> {
    this.cache.invalidate(docId);
    try {
      await this.store.whisks.destroy(docId, rev);
    } catch (err) {
      if (couchStatus(err) === 409) throw new WhiskError(409, Messages.concurrentModification);
      if (couchStatus(err) === 404) throw notFound();
      throw storeError(err, `deleting ${docId}`);
    } finally {
      this.cache.invalidate(docId);
    }
  }

  /** Entity summaries (no code), newest first, of a namespace (including its packages' members). */
  async list(view: EntityView, namespace: string, opts: ListOptions): Promise<EntityBase[]> {
    try {
      const res = await this.store.whisks.view<EntityBase>(WHISKS_DDOC, view, {
        startkey: [namespace, {}],
        endkey: [namespace],
        descending: true,
        reduce: false,
        limit: opts.limit,
        skip: opts.skip,
      });
      return res.rows.map((r) => r.value);
    } catch (err) {
      throw storeError(err, `listing ${view} of ${namespace}`);
    }
  }

  async count(view: EntityView, namespace: string): Promise<number> {
    try {
      const res = await this.store.whisks.view<number>(WHISKS_DDOC, view, {
        startkey: [namespace],
        endkey: [namespace, {}],
        reduce: true,
      });
      return res.rows[0]?.value ?? 0;
    } catch (err) {
      throw storeError(err, `counting ${view} of ${namespace}`);
    }
  }
}

/** A database failure as a 500 whose message says which operation on which store failed. */
export function storeError(err: unknown, what: string): WhiskError {
  const status = couchStatus(err);
  return new WhiskError(
    500,
    `The database failed while ${what}` +
      (status ? ` (HTTP ${status}: ${(err as Error).message})` : ` (${(err as Error).message})`) +
      '; check that CouchDB is up and the controller credentials are valid.',
  );
}
