/**
 * OpenWhisk's user-facing messages and an error type that carries the HTTP status the API answers
 * with. The store raises these too (404, 409), so routes can pass them straight through.
 */

export const Messages = {
  resourceDoesNotExist: 'The requested resource does not exist.',
  resourceExists: 'resource already exists',
  concurrentModification: 'Concurrent modification to resource detected.',
  authenticationInvalid: 'The supplied authentication is invalid',
  notAuthorized: (path: string) => `The supplied authentication is not authorized to access '${path}'.`,
  requestTooLarge: (size: number, max: number) => `Request larger than allowed: ${size} > ${max} bytes.`,
  execTooLarge: (size: number, max: number) => `Code larger than allowed: ${size} > ${max} bytes.`,
  illegalName: 'The name of the entity contains illegal characters.',
  runtimeNotSupported: (kind: string, valid: string[]) =>
    `The specified runtime '${kind}' is not supported by this platform. Valid values are: '${valid.join("', '")}'.`,
  tooManyRequests: (count: number, allowed: number) =>
    `Too many requests in the last minute (count: ${count}, allowed: ${allowed}).`,
  tooManyConcurrent: (count: number, allowed: number) =>
    `Too many concurrent requests in flight (count: ${count}, allowed: ${allowed}).`,
  systemOverloaded: 'System is overloaded, try again later.',
  serviceUnavailable:
    'The server is currently unavailable (because it is overloaded or down for maintenance).',
  sequenceNoComponent: 'No component specified for the sequence.',
  sequenceComponentMissing: 'Sequence component does not exist.',
  sequenceTooLong: 'Too many actions in the sequence.',
  internalError: 'Response Missing Error Message.',
  methodNotAllowed: 'Method not allowed.',
  timeoutOutOfRange: (min: number, max: number) =>
    `Timeout must be a number between ${min} and ${max} milliseconds.`,
} as const;

export class WhiskError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'WhiskError';
  }
}

export const notFound = () => new WhiskError(404, Messages.resourceDoesNotExist);
export const badRequest = (msg: string) => new WhiskError(400, msg);
