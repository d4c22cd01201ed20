/**
 * Sequences: validation at create/update (components exist, atomic length within
 * sequenceMaxLength counting nested sequences) and execution (each component's result is the
 * next one's input; the first failure ends the sequence). The sequence's own record lists the
 * component activation ids as its logs; components carry the sequence's id as `cause`.
 */
import { badRequest, Messages, WhiskError } from '../common/errors.ts';
import type { Activation, ActivationResponse, Identity } from '../common/types.ts';
import type { ActivationStore } from '../store/activation-store.ts';
import { activationRecord, activationResponse } from './activation-record.ts';
import type { InvokeRequest, StartedActivation } from './invoke.ts';
import { type EntityResolver, parseFullyQualified } from './resolver.ts';

/**
 * Normalises the components to `/ns/[pkg/]name` and checks them; `selfPath` (the sequence being
 * written, `ns/[pkg/]name`) counts as over-long so a sequence cannot contain itself.
 */
export async function validateSequence(
  resolver: EntityResolver,
  identity: Identity,
  components: string[],
  maxLength: number,
  selfPath: string,
): Promise<string[]> {
  const normalized = components.map((c) => {
    const parts = parseFullyQualified(c);
    if (!parts) throw badRequest(Messages.sequenceComponentMissing);
    const ns = resolver.namespace(parts.namespace, identity);
    return `/${ns}/${parts.pkg ? `${parts.pkg}/` : ''}${parts.name}`;
  });
  let count = 0;
  const visit = async (names: string[], depth: number): Promise<void> => {
    for (const name of names) {
      if (name.slice(1) === selfPath || depth > maxLength) throw badRequest(Messages.sequenceTooLong);
      let resolved: Awaited<ReturnType<EntityResolver['actionByName']>>;
      try {
        resolved = await resolver.actionByName(identity, name);
      } catch (err) {
        if (err instanceof WhiskError && (err.status === 404 || err.status === 403)) {
          throw badRequest(Messages.sequenceComponentMissing);
        }
        throw err;
      }
      const exec = resolved.action.exec;
      if (exec.kind === 'sequence') await visit(exec.components ?? [], depth + 1);
      else count++;
      if (count > maxLength) throw badRequest(Messages.sequenceTooLong);
    }
  };
  await visit(normalized, 0);
  return normalized;
}

interface SequenceDeps {
  activations: ActivationStore;
  resolver: EntityResolver;
  start: (req: InvokeRequest) => StartedActivation;
}

export async function runSequence(
  deps: SequenceDeps,
  req: InvokeRequest & { activationId: string; params: Record<string, unknown> },
): Promise<Activation> {
  const { action, path } = req.resolved;
  const start = Date.now();
  const ids: string[] = [];
  let input = req.params;
  let response: ActivationResponse = activationResponse('success', input);
  for (const component of action.exec.components ?? []) {
    let resolved: Awaited<ReturnType<EntityResolver['actionByName']>>;
    try {
      resolved = await deps.resolver.actionByName(req.identity, component);
    } catch (err) {
      const message =
        err instanceof WhiskError && err.status < 500
          ? `${Messages.sequenceComponentMissing} (${component})`
          : (err as Error).message;
      response = activationResponse(
        err instanceof WhiskError && err.status < 500 ? 'application error' : 'whisk internal error',
        { error: message },
      );
      break;
    }
    const step = deps.start({
      identity: req.identity,
      resolved,
      payload: input,
      blocking: true,
      transactionId: req.transactionId,
      cause: req.activationId,
    });
    ids.push(step.activationId);
    const done = await step.completion;
    response = done.response;
    if (!done.response.success) break;
    input = done.response.result ?? {};
  }
  const record = activationRecord({
    activationId: req.activationId,
    identity: req.identity,
    action,
    path,
    start,
    response,
    logs: ids,
    cause: req.cause,
    annotations: [req.cause ? { key: 'causedBy', value: 'sequence' } : { key: 'topmost', value: true }],
  });
  await deps.activations.store(record).catch(() => {});
  return record;
}
