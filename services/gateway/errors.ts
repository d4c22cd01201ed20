/** Error responses the gateway answers itself, in OpenWhisk's shape `{"error", "code"}`. */
import type { ServerResponse } from 'node:http';

export const MESSAGES = {
  notFound: 'The requested resource does not exist.',
  unavailable: 'The server is currently unavailable (because it is overloaded or down for maintenance).',
  tooLarge: (size: number, max: number) => `Request larger than allowed: ${size} > ${max} bytes.`,
  badGateway:
    'The controller connection failed while the request was in flight; it may or may not have been processed. Check the state (e.g. wsk activation list) before retrying.',
} as const;

export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  tid: string,
  closeConnection = false,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: message, code: tid });
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': tid,
    'access-control-allow-origin': '*',
  };
  // When the request body was not read, the connection cannot be reused.
  if (closeConnection) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(body);
}
