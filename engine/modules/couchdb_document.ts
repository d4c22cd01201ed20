/**
 * couchdb_document: upsert a document — read it, compare its content (ignoring _id/_rev), and write
 * (with the current _rev) only when it differs. Secrets inside are stored revealed, never shown.
 */
import { type CouchTarget, canonicalJson, couchClient, couchFailed, statusOf } from './couchdb_client.ts';
import {
  type ArgsOf,
  call,
  type Module,
  type ModuleCall,
  type ModuleContext,
  type ModuleResult,
} from './module.ts';
import { changed, ok } from './results.ts';
import { revealDeep } from './reveal.ts';

export interface CouchDocumentArgs extends CouchTarget {
  id: string;
  /** The document's content; _id and _rev are managed here. */
  doc: Record<string, unknown>;
}

function content(doc: Record<string, unknown>): Record<string, unknown> {
  const { _id, _rev, ...rest } = doc;
  return rest;
}

async function runDocument(args: CouchDocumentArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const db = couchClient(args.url).use<Record<string, unknown>>(args.db);
  const revealed = new Set<string>();
  const wanted = content(revealDeep(args.doc, revealed) as Record<string, unknown>);
  let current: Record<string, unknown> | undefined;
  try {
    current = (await db.get(args.id)) as Record<string, unknown>;
  } catch (err) {
    if (statusOf(err) !== 404) return couchFailed(ctx, args, `reading document ${args.id}`, err);
  }
  const before = current ? canonicalJson(content(current)) : undefined;
  const after = canonicalJson(wanted);
  if (before === after) return ok(`document ${args.id} is up to date`, { id: args.id, rev: current?._rev });

  const verb = current ? 'update' : 'create';
  const result = changed(`${ctx.check ? `would ${verb}` : `${verb}d`} document ${args.id} in ${args.db}`);
  if (ctx.diff) {
    const masked = revealed.size > 0;
    result.diff = [
      {
        target: `${args.db}/${args.id}`,
        before: before === undefined ? '' : masked ? '(document with secrets)\n' : `${before}\n`,
        after: masked ? '(document with secrets changed)\n' : `${after}\n`,
      },
    ];
  }
  if (ctx.check) return result;
  try {
    const rev = typeof current?._rev === 'string' ? { _rev: current._rev } : {};
    const res = await db.insert({ ...wanted, _id: args.id, ...rev });
    result.data = { id: args.id, rev: res.rev };
  } catch (err) {
    const hint = statusOf(err) === 409 ? ' (changed concurrently; run again)' : '';
    return couchFailed(ctx, args, `writing document ${args.id}${hint}`, err);
  }
  return result;
}

export const couchdbDocumentModule: Module<CouchDocumentArgs> = {
  name: 'couchdb_document',
  checkMode: 'full',
  run: runDocument,
};

export function couchdbDocument(args: ArgsOf<CouchDocumentArgs>): ModuleCall<CouchDocumentArgs> {
  return call(couchdbDocumentModule, args);
}
