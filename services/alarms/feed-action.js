/**
 * The /whisk.system/alarms/alarm and /whisk.system/alarms/interval feed action: forwards the
 * trigger's lifecycle event to the controller's alarms endpoint with the trigger owner's key.
 */
exports.main = async (p) => {
  const methods = { CREATE: 'PUT', UPDATE: 'PUT', DELETE: 'DELETE', READ: 'GET' };
  const method = methods[p.lifecycleEvent];
  if (!method)
    return { error: `unsupported lifecycleEvent '${p.lifecycleEvent}' (CREATE, UPDATE, DELETE, READ)` };
  if (!p.authKey || !p.triggerName) return { error: 'the feed needs triggerName and authKey' };
  const parts = String(p.triggerName).split('/').filter(Boolean);
  const [ns, trigger] = parts.length >= 2 ? parts : ['_', parts[0]];
  // Platform-internal call to the API host the invoker names; deployments may use self-signed TLS.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const url = `${process.env.__OW_API_HOST}/api/v1/namespaces/${encodeURIComponent(ns)}/triggers/${encodeURIComponent(trigger)}/alarm`;
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(p.authKey).toString('base64')}`,
      'content-type': 'application/json',
    },
    body:
      method === 'PUT'
        ? JSON.stringify({ cron: p.cron, minutes: p.minutes, payload: p.trigger_payload })
        : undefined,
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) return { error: body.error || `the alarms endpoint answered HTTP ${res.status}` };
  return body;
};
