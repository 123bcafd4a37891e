// Typed errors. Callers branch on the class: a permanent error is recorded and never retried, a
// retryable one is thrown so the caller (Pub/Sub, the scheduler) tries again.

export class PizzaflowError extends Error {
  readonly context: Record<string, unknown>;
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.context = context;
  }
}

/** Bad input: retrying cannot help. Record it with its reason and move on. */
export class PermanentError extends PizzaflowError {}

/** A transient failure of a dependency: the same call may succeed later. */
export class RetryableError extends PizzaflowError {}

/** A configuration variable is missing or malformed. */
export class ConfigError extends PizzaflowError {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`, { variable });
    this.variable = variable;
  }
}

/** A command-line usage problem; the CLI prints the message and exits with `exitCode`. */
export class UsageError extends PizzaflowError {
  readonly exitCode = 2;
}
