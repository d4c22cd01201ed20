/** HTTP Basic authentication against the subjects database: user = uuid, password = key. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Messages } from '../common/errors.ts';
import type { IdentityStore } from '../store/identity-store.ts';
import { sendError } from './http.ts';

export function authenticate(identities: IdentityStore) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization ?? '';
    const m = /^Basic\s+(.+)$/i.exec(header);
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const identity =
      colon > 0 ? await identities.identify(decoded.slice(0, colon), decoded.slice(colon + 1)) : undefined;
    if (!identity) {
      reply.header('WWW-Authenticate', 'Basic realm="OpenWhisk secure realm"');
      return sendError(reply, 401, Messages.authenticationInvalid);
    }
    req.identity = identity;
  };
}
