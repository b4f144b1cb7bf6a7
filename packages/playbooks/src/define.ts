import { getPlaybook } from '@aisaws/core/playbooks';
import type { ResourceRef } from '@aisaws/core/schemas';
import type * as z from 'zod';
import { ForwardOnlyError, InvalidSnapshotError, InvalidTargetError } from './errors.js';
import type { ApplyOutcome, Playbook, PlaybookContext, RollbackOutcome, VerifyOutcome } from './types.js';

/**
 * How one playbook is written: a zod schema that turns the ResourceRef into the exact target it acts on, a zod
 * schema for its own snapshot (a snapshot comes back from storage, so it is parsed again before use), and the four
 * operations over those parsed values.
 */
interface PlaybookSpec<Target, State extends Record<string, unknown>> {
  readonly id: string;
  /**
   * The forward authority: every IAM action snapshot, apply and verify send. Granted to the apply role; must hold
   * no action that undoes a fix (re-grant, re-attach, stop monitoring, schedule a deletion).
   */
  readonly permissions: readonly string[];
  /**
   * The un-fix authority: every IAM action rollback sends (its reads included). Granted only to the rollback role,
   * which only an approved rollback uses. Empty exactly when `rollback` is absent (a forward-only playbook).
   */
  readonly rollbackPermissions: readonly string[];
  /** Parses the whole ResourceRef (type, id, region, details …) into the target. */
  readonly target: z.ZodType<Target>;
  readonly state: z.ZodType<State>;
  snapshot(target: Target, ctx: PlaybookContext): Promise<State>;
  apply(target: Target, state: State, ctx: PlaybookContext): Promise<ApplyOutcome>;
  verify(target: Target, ctx: PlaybookContext): Promise<VerifyOutcome>;
  /** Absent for a forward-only playbook (one that re-enables monitoring): its rollback throws ForwardOnlyError. */
  rollback?(target: Target, state: State, ctx: PlaybookContext): Promise<RollbackOutcome>;
}

/** "details.ruleIds: expected array, received undefined; id: too small" */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Builds a Playbook from its spec; throws at load time if the id has no descriptor in core. */
function definePlaybookImplementation<Target, State extends Record<string, unknown>>(
  spec: PlaybookSpec<Target, State>,
): Playbook {
  const descriptor = getPlaybook(spec.id);
  if (!descriptor)
    throw new Error(`playbook ${spec.id}: no descriptor with this id in @aisaws/core/playbooks`);
  if (spec.permissions.length === 0) throw new Error(`playbook ${spec.id}: declares no IAM permission`);
  if ((spec.rollback === undefined) !== (spec.rollbackPermissions.length === 0))
    throw new Error(
      `playbook ${spec.id}: rollbackPermissions must be declared exactly when the playbook has a rollback`,
    );
  const rollback = spec.rollback?.bind(spec);

  const parseTarget = (ref: ResourceRef): Target => {
    const parsed = spec.target.safeParse(ref);
    if (!parsed.success)
      throw new InvalidTargetError(spec.id, `${ref.type} ${ref.id}: ${describeIssues(parsed.error)}`);
    return parsed.data;
  };
  const parseState = (snapshot: Record<string, unknown>): State => {
    const parsed = spec.state.safeParse(snapshot);
    if (!parsed.success) throw new InvalidSnapshotError(spec.id, describeIssues(parsed.error));
    return parsed.data;
  };

  return Object.freeze({
    id: spec.id,
    descriptor,
    permissions: Object.freeze([...new Set(spec.permissions)].sort()),
    rollbackPermissions: Object.freeze([...new Set(spec.rollbackPermissions)].sort()),
    reversible: rollback !== undefined,
    // async, so a bad target or snapshot rejects the returned promise like any other failure
    snapshot: async (ref: ResourceRef, ctx: PlaybookContext) => spec.snapshot(parseTarget(ref), ctx),
    apply: async (ref: ResourceRef, snapshot: Record<string, unknown>, ctx: PlaybookContext) => {
      const target = parseTarget(ref);
      return spec.apply(target, parseState(snapshot), ctx);
    },
    verify: async (ref: ResourceRef, ctx: PlaybookContext) => spec.verify(parseTarget(ref), ctx),
    rollback: async (ref: ResourceRef, snapshot: Record<string, unknown>, ctx: PlaybookContext) => {
      if (!rollback) throw new ForwardOnlyError(spec.id);
      const target = parseTarget(ref);
      return rollback(target, parseState(snapshot), ctx);
    },
  });
}

export type { PlaybookSpec };
export { definePlaybookImplementation, describeIssues };
