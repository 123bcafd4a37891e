// One line of event data as the collector would publish it, for tests and benchmarks that publish to
// Pub/Sub around the collector: a line the contract accepts goes with its PII fields replaced by
// their pseudonym tokens, exactly as functions/collector/handler.ts does before publishing; any other
// line (malformed JSON, a schema violation) as it is, since the collector would refuse it and only a
// direct publisher could send it, which is what exercises ingest's rejections.
import { fastValidator } from '../../contracts/fast-validator';
import { piiPseudonymiser, type CollectorStream } from '../../functions/collector/handler';

export function asCollectorPublishes(line: string, stream: CollectorStream, piiKey: string): string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return line;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !fastValidator(stream)(value).ok) return line;
  piiPseudonymiser(piiKey)(value as Record<string, unknown>, stream);
  return JSON.stringify(value);
}
