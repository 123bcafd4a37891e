// What every long-running or option-parsing command shares: checked numeric options, and running
// until Ctrl-C (SIGINT) or SIGTERM with one clean stop.
import { UsageError } from '../../functions/runtime/errors';

export function integerOption(flag: string, text: string, min: number, max = 2 ** 31): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, not "${text}"`);
  return n;
}

/** A TCP port; 0 asks for any free one. */
export const portOption = (flag: string, text: string): number => integerOption(flag, text, 0, 65535);

export function numberOption(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || Number.isNaN(n) || n < min || n > max) throw new UsageError(`${flag} must be a number from ${min} to ${max}, not "${text}"`);
  return n;
}

/** Resolves after the first SIGINT or SIGTERM, once `stop` (given the signal) has finished. */
export function untilSignal(stop: (signal: NodeJS.Signals) => Promise<void> = async () => undefined): Promise<void> {
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
