// The emulators' own logger: JSON lines on stderr in Cloud Logging's shape, like the product's, but
// owned by this package so the emulators import nothing of pizzaflow.
import pino from 'pino';

const SEVERITY: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

export type Logger = pino.Logger;

export interface LoggerOptions {
  /** pino level; `silent` turns logging off. */
  level?: string;
  /** Where lines go; stderr unless a test captures them. */
  destination?: pino.DestinationStream;
}

export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  return pino(
    {
      name,
      level: options.level ?? 'info',
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      base: undefined,
      formatters: { level: (label) => ({ severity: SEVERITY[label] ?? 'DEFAULT' }) },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}
