// Identity: one service account per function and platform caller, the project-level roles GCP offers
// no narrower scope for, and the service agents' use of the customer-managed key.
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { grantsOfKind, PROJECT_LEVEL_ROLES, type Grant } from '../builders/iam';
import { serviceAccountId, serviceAccountMember } from '../builders/names';
import type { TeamGrant } from '../builders/teams';
import type { ServiceAccountEmails, StackContext } from './context';

export interface IdentityArgs {
  context: StackContext;
  /** Every principal that gets a service account. */
  principals: string[];
  /** The grant plan; this component applies the project-level grants. */
  grants: Grant[];
  /** Team grants; this component applies the project-level ones. */
  teamGrants: TeamGrant[];
  /** Cloud Storage's service agent (it differs in shape from the others, so it is looked up). */
  /** IAM members of the service agents that encrypt with the customer-managed key (when one is configured). */
  cmekAgents: Readonly<Record<string, pulumi.Input<string>>>;
}

export class Identity extends pulumi.ComponentResource {
  readonly emails: ServiceAccountEmails;

  constructor(name: string, args: IdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pizzaflow:gcp:Identity', name, {}, opts);
    const { project } = args.context;
    const emails: Record<string, pulumi.Output<string>> = {};
    for (const principal of args.principals) {
      const account = new gcp.serviceaccount.Account(
        `${name}-${principal}`,
        { project, accountId: serviceAccountId(principal), displayName: `pizzaflow ${principal}`, description: `pizzaflow ${principal}: least-privilege identity` },
        { parent: this },
      );
      emails[principal] = account.email;
    }
    this.emails = emails;

    for (const g of grantsOfKind(args.grants, 'project')) {
      if (!(g.role in PROJECT_LEVEL_ROLES)) throw new Error(`${g.role} for ${g.principal} is not an allowed project-level role`);
      const email = emails[g.principal];
      if (!email) throw new Error(`no service account for "${g.principal}"`);
      new gcp.projects.IAMMember(`${name}-${g.principal}-${g.role.replace('roles/', '').replace(/\./g, '-')}`, { project, role: g.role, member: email.apply(serviceAccountMember) }, { parent: this });
    }
    for (const g of args.teamGrants.filter((t) => t.scope.kind === 'project')) {
      new gcp.projects.IAMMember(`${name}-${g.team}-${g.role.replace('roles/', '').replace(/\./g, '-')}`, { project, role: g.role, member: g.member }, { parent: this });
    }

    const kmsKeyName = args.context.kmsKeyName;
    if (kmsKeyName) {
      for (const [service, agent] of Object.entries(args.cmekAgents)) {
        new gcp.kms.CryptoKeyIAMMember(
          `${name}-cmek-${service}`,
          { cryptoKeyId: kmsKeyName, role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', member: agent },
          { parent: this },
        );
      }
    }
    this.registerOutputs({ emails: this.emails });
  }
}
