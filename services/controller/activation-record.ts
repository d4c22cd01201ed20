/** Activation records the controller writes itself: sequences and internal errors. */
import { randomBytes } from 'node:crypto';
import type {
  ActionDoc,
  Activation,
  ActivationResponse,
  ActivationStatus,
  Identity,
  KeyValue,
} from '../common/types.ts';
import { STATUS_CODES } from '../common/types.ts';

/** 32 lowercase hex characters, like OpenWhisk's activation ids. */
export const newActivationId = () => randomBytes(16).toString('hex');

export function activationResponse(
  status: ActivationStatus,
  result?: Record<string, unknown>,
): ActivationResponse {
  return {
    status,
    statusCode: STATUS_CODES[status],
    success: status === 'success',
    ...(result ? { result } : {}),
  };
}

export interface RecordInput {
  activationId: string;
  identity: Identity;
  action: Pick<ActionDoc, 'name' | 'version' | 'exec' | 'limits'>;
  /** Fully qualified path without the leading slash: `ns/name` or `ns/pkg/name`. */
  path: string;
  start: number;
  end?: number;
  response: ActivationResponse;
  logs?: string[];
  cause?: string;
  annotations?: KeyValue[];
}

export function activationRecord(input: RecordInput): Activation {
  const end = input.end ?? Date.now();
  return {
    namespace: input.identity.namespace,
    name: input.action.name,
    subject: input.identity.subject,
    activationId: input.activationId,
    start: input.start,
    end,
    duration: end - input.start,
    logs: input.logs ?? [],
    version: input.action.version,
    publish: false,
    annotations: [
      { key: 'path', value: input.path },
      { key: 'kind', value: input.action.exec.kind },
      { key: 'limits', value: input.action.limits },
      ...(input.annotations ?? []),
    ],
    response: input.response,
    ...(input.cause ? { cause: input.cause } : {}),
  };
}

/** An internal-error record for an activation that could not run or whose invoker was lost. */
export function internalErrorRecord(input: Omit<RecordInput, 'response'>, error: string): Activation {
  return activationRecord({
    ...input,
    response: activationResponse('whisk internal error', { error }),
    annotations: [{ key: 'timeout', value: false }, ...(input.annotations ?? [])],
  });
}
