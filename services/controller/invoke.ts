/**
 * Starting activations: an atomic action becomes an ActivationMessage for the LoadBalancer; a
 * sequence is run here, component by component. Both hand back the activation id at once and the
 * record as a promise that never rejects.
 */
import { WhiskError } from '../common/errors.ts';
import type { Logger } from '../common/log.ts';
import type { Activation, ActivationMessage, Identity } from '../common/types.ts';
import type { ActivationStore } from '../store/activation-store.ts';
import { internalErrorRecord, newActivationId } from './activation-record.ts';
import type { LoadBalancer } from './loadbalancer.ts';
import type { EntityResolver, ResolvedAction } from './resolver.ts';
import { runSequence } from './sequence.ts';
import type { Throttles } from './throttle.ts';

export interface InvokeRequest {
  identity: Identity;
  resolved: ResolvedAction;
  payload: Record<string, unknown>;
  blocking: boolean;
  transactionId: string;
  /** Activation id of the enclosing sequence. */
  cause?: string;
}

export interface StartedActivation {
  activationId: string;
  completion: Promise<Activation>;
}

export class ActionInvoker {
  constructor(
    private readonly deps: {
      loadBalancer: LoadBalancer;
      activations: ActivationStore;
      resolver: EntityResolver;
      log: Logger;
    },
  ) {}

  /** Throws 503 (no invoker) only for atomic actions; later failures arrive as records. */
  start(req: InvokeRequest): StartedActivation {
    const activationId = newActivationId();
    const params = { ...req.resolved.params, ...req.payload };
    const { action, path } = req.resolved;
    if (action.exec.kind === 'sequence') {
      const completion = runSequence(
        {
          activations: this.deps.activations,
          resolver: this.deps.resolver,
          start: (r) => this.startComponent(r),
        },
        { ...req, activationId, params },
      );
      return { activationId, completion };
    }
    const [root = '', ...rest] = path.split('/');
    const msg: ActivationMessage = {
      activationId,
      transactionId: req.transactionId,
      action: {
        namespace: root,
        name: action.name,
        path: rest.join('/'),
        version: action.version,
        rev: action._rev,
        exec: action.exec,
        limits: action.limits,
      },
      identity: req.identity,
      params,
      blocking: req.blocking,
      ...(req.cause ? { cause: req.cause } : {}),
    };
    return { activationId, completion: this.deps.loadBalancer.publish(msg) };
  }

  /** Components never throw: an unschedulable one completes as an internal-error record. */
  private startComponent(req: InvokeRequest): StartedActivation {
    try {
      return this.start(req);
    } catch (err) {
      const activationId = newActivationId();
      const reason =
        err instanceof WhiskError ? err.message : `Failed to start the action: ${(err as Error).message}`;
      const record = internalErrorRecord(
        {
          activationId,
          identity: req.identity,
          action: req.resolved.action,
          path: req.resolved.path,
          start: Date.now(),
          cause: req.cause,
        },
        reason,
      );
      const completion = this.deps.activations
        .store(record)
        .catch(() => {})
        .then(() => record);
      return { activationId, completion };
    }
  }
}

/**
 * An invocation a caller asked for (API, web action, rule): admitted by the namespace's throttles
 * (429 when over), whose slot is held until the activation completes or fails to start.
 */
export function startAdmitted(
  throttles: Throttles,
  invoker: ActionInvoker,
  req: InvokeRequest,
): StartedActivation {
  const release = throttles.admitInvoke(req.identity.namespace);
  try {
    const started = invoker.start(req);
    void started.completion.finally(release);
    return started;
  } catch (err) {
    release();
    throw err;
  }
}

/** The activation if it completes within `ms`, else undefined (the caller answers 202). */
export async function completedWithin(
  completion: Promise<Activation>,
  ms: number,
): Promise<Activation | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((done) => {
    timer = setTimeout(() => done(undefined), ms);
  });
  try {
    return await Promise.race([completion, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
