// Parsing of the numeric command-line options shared by several commands.
import { UsageError } from '../../lib/errors';

export function portOption(flag: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new UsageError(`${flag} must be a port number (0-65535), not "${text}"`);
  return Number(text);
}

export function integerOption(flag: string, text: string, min: number, max = 2 ** 31): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, not "${text}"`);
  return n;
}

export function numberOption(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || Number.isNaN(n) || n < min || n > max) throw new UsageError(`${flag} must be a number from ${min} to ${max}, not "${text}"`);
  return n;
}
