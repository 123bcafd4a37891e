// What every component needs to know about the stack it is deployed into.
import type * as pulumi from '@pulumi/pulumi';

export interface StackContext {
  project: string;
  region: string;
  /** BigQuery location; buckets share it so load jobs read colocated data. */
  location: string;
  /** Customer-managed key, when configured. */
  kmsKeyName?: string;
  deletionProtection: boolean;
}

/** Service account emails by principal (function name or platform principal). */
export type ServiceAccountEmails = Readonly<Record<string, pulumi.Output<string>>>;

export function emailOf(emails: ServiceAccountEmails, principal: string): pulumi.Output<string> {
  const email = emails[principal];
  if (!email) throw new Error(`no service account for "${principal}"`);
  return email;
}
