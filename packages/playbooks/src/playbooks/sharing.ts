import * as z from 'zod';
import { unique } from '../shared.js';

/**
 * Shared by the "make … private" playbooks (EBS snapshot, AMI, RDS snapshot): the targets are the grants the event
 * added; apply removes those still present, rollback adds back those the snapshot had and that are gone.
 */

const StringListSchema = z.array(z.string().min(1)).optional();

/** The grants the event added, from the keys matchers use (`addedGroups`, `addedAccounts`, …). */
const SharingDetailsSchema = z.object({
  /** true when the event added the public group (`all`). */
  public: z.boolean().optional(),
  addedGroups: StringListSchema,
  groups: StringListSchema,
  addedAccounts: StringListSchema,
  accountIds: StringListSchema,
  userIds: StringListSchema,
  /** Organization and OU ARNs together (an OU ARN has `:ou/`). */
  addedOrganizations: StringListSchema,
  addedOrganizationArns: StringListSchema,
  addedOrganizationalUnitArns: StringListSchema,
  valuesToAdd: StringListSchema,
  addedValues: StringListSchema,
});
type SharingDetails = z.infer<typeof SharingDetailsSchema>;

interface SharingTargets {
  readonly groups: string[];
  readonly accounts: string[];
  readonly organizations: string[];
  readonly organizationalUnits: string[];
}

const isOuArn = (arn: string): boolean => arn.includes(':ou/');

/** The grants to remove; `valuesToAdd` / `addedValues` are RDS style (one list where `all` means public). */
function sharingTargets(details: SharingDetails): SharingTargets {
  const values = [...(details.valuesToAdd ?? []), ...(details.addedValues ?? [])];
  const organizations = details.addedOrganizations ?? [];
  return {
    groups: unique([
      ...(details.public === true ? ['all'] : []),
      ...(details.addedGroups ?? []),
      ...(details.groups ?? []),
      ...values.filter((v) => v === 'all'),
    ]),
    accounts: unique([
      ...(details.addedAccounts ?? []),
      ...(details.accountIds ?? []),
      ...(details.userIds ?? []),
      ...values.filter((v) => v !== 'all'),
    ]),
    organizations: unique([
      ...organizations.filter((arn) => !isOuArn(arn)),
      ...(details.addedOrganizationArns ?? []),
    ]),
    organizationalUnits: unique([
      ...organizations.filter(isOuArn),
      ...(details.addedOrganizationalUnitArns ?? []),
    ]),
  };
}

const hasAnyTarget = (targets: SharingTargets): boolean =>
  targets.groups.length +
    targets.accounts.length +
    targets.organizations.length +
    targets.organizationalUnits.length >
  0;

const NO_TARGET_MESSAGE =
  'needs the grants to remove: details.public true or details.addedGroups ["all"], and/or details.addedAccounts (account ids)';

/** The grants of `targets` that are in `present`. */
function intersect(targets: SharingTargets, present: SharingTargets): SharingTargets {
  return {
    groups: targets.groups.filter((g) => present.groups.includes(g)),
    accounts: targets.accounts.filter((a) => present.accounts.includes(a)),
    organizations: targets.organizations.filter((o) => present.organizations.includes(o)),
    organizationalUnits: targets.organizationalUnits.filter((o) => present.organizationalUnits.includes(o)),
  };
}

/** The grants of `targets` that are not in `present`. */
function subtract(targets: SharingTargets, present: SharingTargets): SharingTargets {
  return {
    groups: targets.groups.filter((g) => !present.groups.includes(g)),
    accounts: targets.accounts.filter((a) => !present.accounts.includes(a)),
    organizations: targets.organizations.filter((o) => !present.organizations.includes(o)),
    organizationalUnits: targets.organizationalUnits.filter((o) => !present.organizationalUnits.includes(o)),
  };
}

const describeSharing = (targets: SharingTargets): string =>
  [
    ...targets.groups.map((g) => `group ${g}`),
    ...targets.accounts.map((a) => `account ${a}`),
    ...targets.organizations.map((o) => `organization ${o}`),
    ...targets.organizationalUnits.map((o) => `OU ${o}`),
  ].join(', ');

const SharingStateSchema = z.object({
  groups: z.array(z.string()),
  accounts: z.array(z.string()),
  organizations: z.array(z.string()),
  organizationalUnits: z.array(z.string()),
});

export type { SharingTargets };
export {
  describeSharing,
  hasAnyTarget,
  intersect,
  NO_TARGET_MESSAGE,
  SharingDetailsSchema,
  SharingStateSchema,
  sharingTargets,
  subtract,
};
