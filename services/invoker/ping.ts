/**
 * The invoker's health ping: POST {controller}/invokers/ping with an InvokerPing to every controller
 * once a second (OpenWhisk's controllers mark an invoker down after 10 s without one).
 */
import type { Logger } from 'pino';
import { request } from 'undici';
import type { InvokerPing } from '../common/types.ts';

export interface PingerOptions {
  controllers: string[];
  ping: () => InvokerPing;
  logger: Logger;
  intervalMs?: number;
}

/** Starts pinging at once; returns a function that stops it. */
export function startPinging(opts: PingerOptions): () => void {
  const failing = new Set<string>();
  const send = (controller: string): void => {
    const url = `${controller.replace(/\/+$/, '')}/invokers/ping`;
    request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(opts.ping()),
      headersTimeout: 2000,
      bodyTimeout: 2000,
    })
      .then(async (res) => {
        await res.body.dump();
        if (res.statusCode >= 300) throw new Error(`HTTP ${res.statusCode}`);
        if (failing.delete(controller)) opts.logger.info({ controller }, 'controller reachable again');
      })
      .catch((err: Error) => {
        // Log transitions only: a controller that is down would otherwise log every second.
        if (!failing.has(controller))
          opts.logger.warn({ controller: url, err: err.message }, 'cannot ping controller');
        failing.add(controller);
      });
  };
  const tick = () => {
    for (const c of opts.controllers) send(c);
  };
  tick();
  const timer = setInterval(tick, opts.intervalMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
