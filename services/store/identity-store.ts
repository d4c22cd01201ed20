/**
 * Authentication lookups in `{prefix}subjects` through the `identities` view, cached by uuid:key
 * and dropped whenever the subjects database changes (keys revoked or rotated on any controller).
 */
import type { Identity } from '../common/types.ts';
import { InvalidatingCache } from './cache.ts';
import { type ChangesFollower, followChanges } from './changes.ts';
import type { Store } from './db.ts';
import { SUBJECTS_DDOC } from './design.ts';
import { storeError } from './entity-store.ts';

interface IdentityRow {
  subject: string;
  namespace: string;
  uuid: string;
  key: string;
}

export class IdentityStore {
  private readonly cache = new InvalidatingCache<Identity>();
  private follower?: ChangesFollower;

  constructor(
    private readonly store: Store,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  async start(): Promise<void> {
    this.follower = followChanges(
      `${this.store.config.url.replace(/\/$/, '')}/${this.store.names.subjects}`,
      () => this.cache.clear(),
      this.onError,
    );
    await this.follower.ready;
  }

  close(): void {
    this.follower?.stop();
  }

  /** The identity owning this uuid/key pair, or undefined (unknown, wrong key, or blocked). */
  async identify(uuid: string, key: string): Promise<Identity | undefined> {
    return await this.cache.get(`${uuid}:${key}`, () => this.lookup([uuid, key]));
  }

  /** The identity of a namespace (e.g. to act on behalf of a trigger's owner). */
  async forNamespace(namespace: string): Promise<Identity | undefined> {
    return await this.cache.get(`ns:${namespace}`, () => this.lookup([namespace]));
  }

  private async lookup(key: string[]): Promise<Identity | undefined> {
    try {
      const res = await this.store.subjects.view<IdentityRow>(SUBJECTS_DDOC, 'identities', {
        key,
        limit: 1,
      });
      const row = res.rows[0]?.value;
      return row
        ? { subject: row.subject, namespace: row.namespace, uuid: row.uuid, key: row.key }
        : undefined;
    } catch (err) {
      throw storeError(err, 'looking up an identity in the subjects database');
    }
  }
}
