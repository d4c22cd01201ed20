/**
 * Follows a database's `_changes` feed (longpoll, re-armed with the last seq) and reports changed
 * document ids. It starts at the database's current update_seq (read first, so nothing written
 * after `ready` is missed; `since=now` if that read fails). Works with CouchDB (which honours `timeout`) and pouchdb-server
 * (which ignores it and holds the request, sending heartbeat newlines, until a change arrives).
 */

export interface ChangesFollower {
  /** Resolves once the starting sequence is known: later writes will be reported. */
  ready: Promise<void>;
  stop(): void;
}

interface ChangesResponse {
  results?: { id: string }[];
  last_seq?: string | number;
}

export function followChanges(
  dbUrl: string,
  onChange: (ids: string[]) => void,
  onError: (err: Error) => void = () => {},
): ChangesFollower {
  const { url, authorization } = splitCredentials(dbUrl);
  const abort = new AbortController();
  let since: string = 'now';
  let armed: () => void = () => {};
  const ready = new Promise<void>((done) => {
    armed = done;
  });

  const loop = async () => {
    since = await currentSeq(url, authorization, abort.signal);
    armed();
    while (!abort.signal.aborted) {
      try {
        const request = fetch(
          `${url}/_changes?feed=longpoll&since=${encodeURIComponent(since)}&timeout=60000&heartbeat=10000`,
          { headers: authorization ? { authorization } : {}, signal: abort.signal },
        );
        const res = await request;
        if (!res.ok) throw new Error(`HTTP ${res.status} ${await res.text()}`);
        const body = JSON.parse((await res.text()).trim() || '{}') as ChangesResponse;
        if (body.last_seq !== undefined) since = String(body.last_seq);
        const ids = (body.results ?? []).map((r) => r.id);
        if (ids.length > 0) onChange(ids);
      } catch (err) {
        if (abort.signal.aborted) return;
        onError(new Error(`following ${url}/_changes failed: ${(err as Error).message}; retrying in 1 s`));
        // Whatever changed while the feed was broken is unknown: report a full invalidation.
        onChange(['*']);
        since = await currentSeq(url, authorization, abort.signal);
        await new Promise((r) => setTimeout(r, 1000).unref());
      }
    }
  };
  void loop();
  return { ready, stop: () => abort.abort() };
}

/** fetch() refuses URLs with credentials: move them into an Authorization header. */
function splitCredentials(dbUrl: string): { url: string; authorization?: string } {
  const u = new URL(dbUrl);
  if (!u.username) return { url: dbUrl.replace(/\/$/, '') };
  const authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
  u.username = '';
  u.password = '';
  return { url: u.toString().replace(/\/$/, ''), authorization };
}

async function currentSeq(
  url: string,
  authorization: string | undefined,
  signal: AbortSignal,
): Promise<string> {
  try {
    const res = await fetch(url, { headers: authorization ? { authorization } : {}, signal });
    const info = (await res.json()) as { update_seq?: string | number };
    return info.update_seq === undefined ? 'now' : String(info.update_seq);
  } catch {
    return 'now';
  }
}
