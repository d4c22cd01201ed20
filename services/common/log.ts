/** Structured JSON-line logging for services: `{"level","time","service","msg",…}` on stdout. */
import { type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(service: string, level = process.env.OWCTL_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.epochTime,
    // Never let credentials reach the log.
    redact: ['authorization', 'headers.authorization', 'password', 'adminPassword', 'key', 'db.url'],
  });
}
