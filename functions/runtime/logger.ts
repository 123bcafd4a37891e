// The one structured logger: JSON lines in Cloud Logging's shape (`severity`, `message`, trace ids)
// written to stderr, so stdout stays free for command output such as `validate` verdicts.
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
      formatters: {
        level: (label) => ({ severity: SEVERITY[label] ?? 'DEFAULT' }),
      },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** Cloud Logging groups lines by trace when this field names `projects/P/traces/T`. */
const TRACE_FIELD = 'logging.googleapis.com/trace';

export function traceFields(project: string, traceHeader: string | undefined): Record<string, string> {
  const traceId = traceHeader?.split('/')[0];
  return traceId ? { [TRACE_FIELD]: `projects/${project}/traces/${traceId}` } : {};
}
