/**
 * Runs one ActivationMessage: lease a container from the pool, /init it when cold, /run with the
 * deadline, cut its logs at the sentinel and turn the outcome into the activation record. Nothing
 * on this path reads a database: the message carries the whole action.
 */
import type { Logger } from 'pino';
import type { Activation, ActivationMessage, ActivationResponse } from '../common/types.ts';
import { blackboxKind, kindNames, type RuntimeManifest, resolveKind } from '../runtimes/manifest.ts';
import {
  buildActivation,
  classifyInit,
  classifyRun,
  developerError,
  internalError,
  Messages,
} from './activation.ts';
import { ContainerExitedError, ContainerTimeoutError } from './factory.ts';
import type { ContainerPool, Lease } from './pool.ts';

export interface ExecutorDeps {
  pool: ContainerPool;
  manifest: RuntimeManifest;
  logger: Logger;
}

const MB = 1024 * 1024;

export async function executeActivation(deps: ExecutorDeps, msg: ActivationMessage): Promise<Activation> {
  const received = Date.now();
  const { action } = msg;
  const failed = (res: ActivationResponse, kind: string): Activation => {
    const now = Date.now();
    return buildActivation(
      msg,
      kind,
      { start: now, end: now, waitTime: now - received, timedOut: false },
      res,
      [],
    );
  };
  const kind =
    action.exec.kind === 'blackbox' && action.exec.image
      ? blackboxKind(action.exec.image)
      : resolveKind(deps.manifest, action.exec.kind);
  if (!kind) {
    return failed(
      internalError(
        `The invoker cannot run kind '${action.exec.kind}': it is not in the runtimes manifest ${deps.manifest.source} (kinds: ${kindNames(deps.manifest).join(', ')}).`,
      ),
      action.exec.kind,
    );
  }
  let lease: Lease;
  try {
    lease = await deps.pool.acquire(msg, kind);
  } catch (err) {
    deps.logger.error({ activationId: msg.activationId, err: (err as Error).message }, 'no container');
    return failed(
      internalError(`Failed to start a container for ${kind.kind}: ${(err as Error).message}`),
      kind.kind,
    );
  }

  const container = lease.entry.container;
  const timeout = action.limits.timeout;
  const start = Date.now();
  let initTime: number | undefined;
  let res: ActivationResponse | undefined;
  let timedOut = false;
  let healthy = true;
  try {
    if (lease.cold) {
      const init = await container.init(
        {
          value: {
            name: action.name,
            main: action.exec.main ?? 'main',
            code: action.exec.code ?? '',
            binary: action.exec.binary ?? false,
            env: {},
          },
        },
        timeout,
      );
      initTime = Date.now() - start;
      res = classifyInit(init);
      healthy = res === undefined;
    }
    if (!res) {
      const run = await container.run(
        {
          value: msg.params,
          namespace: msg.identity.namespace,
          action_name: `/${action.namespace}/${action.path}`,
          action_version: action.version,
          activation_id: msg.activationId,
          transaction_id: msg.transactionId,
          deadline: String(Date.now() + timeout),
          api_key: `${msg.identity.uuid}:${msg.identity.key}`,
        },
        timeout,
      );
      res = classifyRun(run);
    }
  } catch (err) {
    healthy = false;
    const duringInit = lease.cold && initTime === undefined;
    if (duringInit) initTime = Date.now() - start;
    if (err instanceof ContainerTimeoutError) {
      timedOut = true;
      res = developerError(Messages.timedOut(timeout));
    } else if (err instanceof ContainerExitedError) {
      res = developerError(duringInit ? Messages.abnormalInit : Messages.abnormalRun);
    } else {
      deps.logger.error({ activationId: msg.activationId, err: (err as Error).message }, 'activation failed');
      res = internalError(`The invoker failed to run the action: ${(err as Error).message}`);
    }
  }
  const end = Date.now();
  // A killed or crashed proxy closes its streams, which ends the wait as the sentinel would.
  const waitForSentinel = res?.status !== 'whisk internal error';
  const logs = await container.logs({ limitBytes: action.limits.logs * MB, waitForSentinel }).catch(() => []);
  deps.pool.release(lease, healthy);
  return buildActivation(
    msg,
    kind.kind,
    { start, end, waitTime: start - received, initTime, timedOut },
    res ?? internalError('The invoker produced no response for the activation.'),
    logs,
  );
}
