/**
 * Activation records and their responses, as OpenWhisk's invoker writes them: the proxy's answer is
 * classified into success / application error / action developer error / whisk internal error, and
 * the record carries the path, waitTime, kind, timeout, limits and (cold only) initTime annotations.
 */

import {
  type Activation,
  type ActivationMessage,
  type ActivationResponse,
  type ActivationStatus,
  type KeyValue,
  STATUS_CODES,
} from '../common/types.ts';
import type { ProxyResponse } from './factory.ts';

export const Messages = {
  timedOut: (ms: number) => `The action exceeded its time limits of ${ms} milliseconds.`,
  abnormalRun: 'The action did not produce a valid response and exited unexpectedly.',
  abnormalInit: 'The action did not initialize and exited unexpectedly.',
  notADictionary: 'The action did not return a dictionary.',
  invalidResponse: (text: string) => `The action did not produce a valid JSON response: ${text}`,
  truncatedResponse: (bytes: number) =>
    `The action produced a response that exceeded the allowed length: ${bytes} > ${MAX_RESULT_BYTES} bytes.`,
} as const;

/** OpenWhisk's activation result limit (1 MB). */
export const MAX_RESULT_BYTES = 1024 * 1024;

function response(status: ActivationStatus, result: Record<string, unknown>): ActivationResponse {
  return { status, statusCode: STATUS_CODES[status], success: status === 'success', result };
}

export function developerError(message: string): ActivationResponse {
  return response('action developer error', { error: message });
}

export function internalError(message: string): ActivationResponse {
  return response('whisk internal error', { error: message });
}

function isDictionary(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bodyText(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** The proxy's /run answer: 200 + dictionary is the result; an `error` key makes it the action's own error. */
export function classifyRun(res: ProxyResponse): ActivationResponse {
  if (res.bytes > MAX_RESULT_BYTES) return developerError(Messages.truncatedResponse(res.bytes));
  if (res.status === 200) {
    if (!isDictionary(res.body)) return developerError(Messages.notADictionary);
    return response('error' in res.body ? 'application error' : 'success', res.body);
  }
  if (isDictionary(res.body) && 'error' in res.body) return response('action developer error', res.body);
  return developerError(Messages.invalidResponse(bodyText(res.body)));
}

/** The proxy's /init answer: undefined when initialised, else the developer error to record. */
export function classifyInit(res: ProxyResponse): ActivationResponse | undefined {
  if (res.status === 200) return undefined;
  if (isDictionary(res.body) && 'error' in res.body) return response('action developer error', res.body);
  return developerError(`Initialization has failed: ${bodyText(res.body)}`);
}

export interface ActivationTiming {
  /** Epoch ms the activation started (init for cold containers, else run). */
  start: number;
  end: number;
  /** ms between the invoker receiving the message and a container starting on it. */
  waitTime: number;
  /** ms spent in /init; only for cold activations. */
  initTime?: number;
  timedOut: boolean;
}

/** The record stored and returned to the controller. `kind` is the resolved runtime kind. */
export function buildActivation(
  msg: ActivationMessage,
  kind: string,
  timing: ActivationTiming,
  res: ActivationResponse,
  logs: string[],
): Activation {
  const { action } = msg;
  const annotations: KeyValue[] = [
    { key: 'path', value: `${action.namespace}/${action.path}` },
    { key: 'waitTime', value: timing.waitTime },
    { key: 'kind', value: kind },
    { key: 'timeout', value: timing.timedOut },
    { key: 'limits', value: action.limits },
  ];
  if (timing.initTime !== undefined) annotations.push({ key: 'initTime', value: timing.initTime });
  const activation: Activation = {
    namespace: msg.identity.namespace,
    name: action.name,
    subject: msg.identity.subject,
    activationId: msg.activationId,
    start: timing.start,
    end: timing.end,
    duration: timing.end - timing.start,
    logs,
    version: action.version,
    publish: false,
    annotations,
    response: res,
  };
  if (msg.cause) activation.cause = msg.cause;
  return activation;
}
