/** HTTP Basic authentication against the subjects database: user = uuid, password = key. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Messages } from '../common/errors.ts';
import type { IdentityStore } from '../store/identity-store.ts';
import { sendError } from './http.ts';

/** Decoded Authorization headers; clients send the same one on every request. */
const MAX_DECODED = 1000;

/** `[uuid, key]` of a Basic Authorization header, or undefined when it is not one. */
function credentials(header: string): [string, string] | undefined {
  const m = /^Basic\s+(.+)$/i.exec(header);
  const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  return colon > 0 ? [decoded.slice(0, colon), decoded.slice(colon + 1)] : undefined;
}

export function authenticate(identities: IdentityStore) {
  // The identity itself is not kept here: IdentityStore's cache follows key changes.
  const decoded = new Map<string, [string, string] | undefined>();
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization ?? '';
    let pair = decoded.get(header);
    if (pair === undefined && !decoded.has(header)) {
      pair = credentials(header);
      if (decoded.size >= MAX_DECODED) decoded.clear();
      decoded.set(header, pair);
    }
    const identity = pair ? await identities.identify(pair[0], pair[1]) : undefined;
    if (!identity) {
      reply.header('WWW-Authenticate', 'Basic realm="OpenWhisk secure realm"');
      return sendError(reply, 401, Messages.authenticationInvalid);
    }
    req.identity = identity;
  };
}
