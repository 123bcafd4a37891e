// Option checks and the run-until-signal loop of the emulators' command line.

/** A bad flag or value; the command exits 2 with the message. */
export class EmulatorUsageError extends Error {
  readonly exitCode = 2;
  override readonly name = 'EmulatorUsageError';
}

export function integerOption(flag: string, text: string, min: number, max = 2 ** 31): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new EmulatorUsageError(`${flag} must be an integer from ${min} to ${max}, not "${text}"`);
  return n;
}

/** A TCP port; 0 asks for any free one. */
export const portOption = (flag: string, text: string): number => integerOption(flag, text, 0, 65535);

/** Resolves after the first SIGINT or SIGTERM, once `stop` (given the signal) has finished. */
export function untilSignal(stop: (signal: NodeJS.Signals) => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      stop(signal).then(resolve, resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
