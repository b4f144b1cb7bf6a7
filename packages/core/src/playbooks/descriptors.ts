/**
 * Playbook descriptors: what a fix is and how safe it is, without any SDK code. The policy reads them (a safe,
 * reversible fix is automatic even at HIGH risk); `@aisaws/playbooks` implements each id and declares its IAM actions.
 */

interface PlaybookDescriptor {
  /** Dotted id, e.g. `s3.make-bucket-private`. */
  readonly id: string;
  readonly title: string;
  /** CloudFormation-style resource type it acts on. */
  readonly resourceType: string;
  /**
   * `safe`: restores a default workloads do not depend on, targets exactly what the event names, and one call
   * undoes it (CATALOG "AUTO only when"). `disruptive`: can break access that production uses, or cannot be
   * undone from the snapshot.
   */
  readonly safety: 'safe' | 'disruptive';
  /** Default mode when no policy override applies. */
  readonly defaultMode: 'auto' | 'approve';
  /** What the fix does, in one sentence (used in alerts). */
  readonly description: string;
  /** How the rollback restores the snapshot, in one sentence (used in alerts). */
  readonly rollback: string;
  /**
   * A capability the deployment must have for the fix to run. `centralized-root-access`: the accounts are members of
   * an AWS Organization with centralized root access, and AISAWS runs in its management or delegated-administrator
   * account (policy `centralizedRootAccess`). Without it the decision is ALERT, with the manual steps.
   */
  readonly requires?: 'centralized-root-access';
}

function definePlaybook(descriptor: PlaybookDescriptor): PlaybookDescriptor {
  if (!/^[a-z0-9]+\.[a-z0-9-]+$/.test(descriptor.id))
    throw new Error(`playbook ${descriptor.id}: id must be <service>.<verb-object>`);
  if (descriptor.safety === 'disruptive' && descriptor.defaultMode === 'auto')
    throw new Error(`playbook ${descriptor.id}: a disruptive playbook cannot default to auto`);
  return Object.freeze({ ...descriptor });
}

const PLAYBOOKS: readonly PlaybookDescriptor[] = Object.freeze([
  definePlaybook({
    id: 's3.make-bucket-private',
    title: 'Make the bucket private',
    resourceType: 'AWS::S3::Bucket',
    safety: 'safe',
    defaultMode: 'auto',
    description:
      'Resets the bucket ACL to private and turns on all four Block Public Access settings of the bucket.',
    rollback: 'Puts back the ACL and the Block Public Access configuration read before the fix.',
  }),
  definePlaybook({
    id: 's3.restore-bucket-public-access-block',
    title: 'Restore bucket Block Public Access',
    resourceType: 'AWS::S3::Bucket',
    safety: 'safe',
    defaultMode: 'auto',
    description: 'Turns on all four Block Public Access settings of the bucket.',
    rollback:
      'Puts back the Block Public Access configuration read before the fix (or deletes it if there was none).',
  }),
  definePlaybook({
    id: 's3.restore-account-public-access-block',
    title: 'Restore account Block Public Access',
    resourceType: 'AWS::::Account',
    safety: 'safe',
    defaultMode: 'auto',
    description: 'Turns on all four account-level S3 Block Public Access settings (S3 Control).',
    rollback:
      'Puts back the account-level configuration read before the fix (or deletes it if there was none).',
  }),
  definePlaybook({
    id: 's3.remove-public-policy-statements',
    title: 'Remove the public bucket policy statements',
    resourceType: 'AWS::S3::Bucket',
    safety: 'safe',
    defaultMode: 'auto',
    description:
      'Rewrites the bucket policy without the statements that allow anyone, keeping every other statement.',
    rollback: 'Puts back the bucket policy read before the fix.',
  }),
  definePlaybook({
    id: 'ec2.revoke-world-open-ingress',
    title: 'Revoke the world-open ingress rules',
    resourceType: 'AWS::EC2::SecurityGroup',
    safety: 'safe',
    defaultMode: 'auto',
    description: 'Revokes exactly the ingress rules the event added that are open to 0.0.0.0/0 or ::/0.',
    rollback: 'Re-authorizes the revoked rules as they were.',
  }),
  definePlaybook({
    id: 'cloudtrail.start-logging',
    title: 'Start CloudTrail logging',
    resourceType: 'AWS::CloudTrail::Trail',
    safety: 'safe',
    defaultMode: 'auto',
    description: "Starts logging on the trail again, in the trail's home region.",
    rollback:
      'None: forward-only. AISAWS never stops a trail again; a person does it by hand if they mean it.',
  }),
  definePlaybook({
    id: 'cloudtrail.restore-management-events',
    title: 'Restore management events on the trail',
    resourceType: 'AWS::CloudTrail::Trail',
    safety: 'safe',
    defaultMode: 'auto',
    description:
      'Puts back an event selector that records all management events, keeping the data resources.',
    rollback:
      'None: forward-only. AISAWS never narrows the recorded events again; a person does it by hand if they mean it.',
  }),
  definePlaybook({
    id: 'config.start-recorder',
    title: 'Start the AWS Config recorder',
    resourceType: 'AWS::Config::ConfigurationRecorder',
    safety: 'safe',
    defaultMode: 'auto',
    description: 'Starts the configuration recorder again.',
    rollback:
      'None: forward-only. AISAWS never stops a recorder again; a person does it by hand if they mean it.',
  }),
  definePlaybook({
    id: 'guardduty.enable-detector',
    title: 'Re-enable the GuardDuty detector',
    resourceType: 'AWS::GuardDuty::Detector',
    safety: 'safe',
    defaultMode: 'auto',
    description: 'Enables the GuardDuty detector that was suspended.',
    rollback:
      'None: forward-only. AISAWS never suspends a detector again; a person does it by hand if they mean it.',
  }),
  definePlaybook({
    id: 'ec2.make-snapshot-private',
    title: 'Make the EBS snapshot private',
    resourceType: 'AWS::EC2::Snapshot',
    safety: 'safe',
    defaultMode: 'auto',
    description:
      'Removes the public (group all) and unknown-account create-volume permissions the event added.',
    rollback: 'Adds the removed create-volume permissions back.',
  }),
  definePlaybook({
    id: 'ec2.make-ami-private',
    title: 'Make the AMI private',
    resourceType: 'AWS::EC2::Image',
    safety: 'safe',
    defaultMode: 'auto',
    description: 'Removes the public (group all) and unknown-account launch permissions the event added.',
    rollback: 'Adds the removed launch permissions back.',
  }),
  definePlaybook({
    id: 'rds.make-snapshot-private',
    title: 'Make the RDS snapshot private',
    resourceType: 'AWS::RDS::DBSnapshot',
    safety: 'safe',
    defaultMode: 'auto',
    description: "Removes 'all' and unknown accounts from the snapshot's restore attribute.",
    rollback: 'Adds the removed restore values back.',
  }),
  definePlaybook({
    id: 'kms.cancel-key-deletion',
    title: 'Cancel the KMS key deletion',
    resourceType: 'AWS::KMS::Key',
    safety: 'safe',
    defaultMode: 'auto',
    description:
      'Cancels the scheduled deletion of the key (the key stays disabled until someone re-enables it).',
    rollback: 'Schedules the deletion again with the pending window read before the fix.',
  }),
  definePlaybook({
    id: 'lambda.require-url-auth',
    title: 'Require IAM auth on the function URL',
    resourceType: 'AWS::Lambda::Function',
    safety: 'disruptive',
    defaultMode: 'approve',
    description: 'Sets the function URL auth type to AWS_IAM (public webhooks stop working).',
    rollback: 'Sets the function URL auth type back to what it was.',
  }),
  definePlaybook({
    id: 'lambda.remove-public-permission',
    title: 'Remove the public Lambda permission',
    resourceType: 'AWS::Lambda::Function',
    safety: 'safe',
    defaultMode: 'auto',
    description: 'Removes the resource-policy statement that lets anyone invoke the function.',
    rollback: 'Adds the removed statement back.',
  }),
  definePlaybook({
    id: 'iam.deactivate-access-key',
    title: 'Deactivate the access key created for another user',
    resourceType: 'AWS::IAM::AccessKey',
    safety: 'disruptive',
    defaultMode: 'approve',
    description: 'Sets the new access key to Inactive (not deleted, so it can be reactivated).',
    rollback: 'Sets the access key back to Active.',
  }),
  definePlaybook({
    id: 'iam.detach-admin-policy',
    title: 'Detach the administrator policy',
    resourceType: 'AWS::IAM::Policy',
    safety: 'disruptive',
    defaultMode: 'approve',
    description:
      'Detaches the AdministratorAccess (or equivalent) managed policy from the user, role or group.',
    rollback: 'Attaches the policy again.',
  }),
  definePlaybook({
    id: 'iam.delete-inline-admin-policy',
    title: 'Delete the inline administrator policy',
    resourceType: 'AWS::IAM::User',
    safety: 'disruptive',
    defaultMode: 'approve',
    description:
      'Deletes the inline policy granting all actions from the user, role or group, after saving its document.',
    rollback: 'Puts the inline policy back with the document saved before the fix.',
  }),
  definePlaybook({
    id: 'iam.delete-root-access-key',
    title: 'Delete the root access key',
    resourceType: 'AWS::IAM::Root',
    safety: 'disruptive',
    defaultMode: 'approve',
    description:
      'Deletes the access key the root user created, in a root session of the member account (sts:AssumeRoot with the IAMDeleteRootUserCredentials task policy).',
    rollback:
      'None: a deleted access key cannot come back; the root user creates a new one if it was really wanted.',
    requires: 'centralized-root-access',
  }),
  definePlaybook({
    id: 'cloudtrail.recreate-trail',
    title: 'Re-create the deleted CloudTrail trail',
    resourceType: 'AWS::CloudTrail::Trail',
    safety: 'safe',
    defaultMode: 'approve',
    description:
      "Re-creates the trail from its last recorded configuration (its CreateTrail and UpdateTrail calls in CloudTrail's 90-day event history), recording all management events, and starts logging.",
    rollback: 'None: forward-only. AISAWS never deletes a trail; a person does it by hand if they mean it.',
  }),
  definePlaybook({
    id: 'guardduty.recreate-detector',
    title: 'Re-create the GuardDuty detector',
    resourceType: 'AWS::GuardDuty::Detector',
    safety: 'safe',
    defaultMode: 'auto',
    description:
      'Creates an enabled GuardDuty detector in the region again (the deleted one and its findings cannot come back).',
    rollback:
      'None: forward-only. AISAWS never deletes a detector; a person does it by hand if they mean it.',
  }),
  definePlaybook({
    id: 'securityhub.enable-hub',
    title: 'Enable Security Hub again',
    resourceType: 'AWS::SecurityHub::Hub',
    safety: 'safe',
    defaultMode: 'auto',
    description: 'Enables Security Hub in the region again, with the default standards.',
    rollback:
      'None: forward-only. AISAWS never disables Security Hub; a person does it by hand if they mean it.',
  }),
  definePlaybook({
    id: 'accessanalyzer.recreate-analyzer',
    title: 'Re-create the IAM Access Analyzer analyzer',
    resourceType: 'AWS::AccessAnalyzer::Analyzer',
    safety: 'safe',
    defaultMode: 'auto',
    description:
      'Creates the deleted analyzer again with its name, of the type its last CreateAnalyzer in the event history had (ACCOUNT when none is found).',
    rollback:
      'None: forward-only. AISAWS never deletes an analyzer; a person does it by hand if they mean it.',
  }),
  definePlaybook({
    id: 'iam.revoke-role-sessions',
    title: "Revoke the role's sessions issued before now",
    resourceType: 'AWS::IAM::Role',
    safety: 'disruptive',
    defaultMode: 'approve',
    description:
      "Adds the inline policy AISAWSRevokeOlderSessions to the role: a Deny of every action for sessions whose aws:TokenIssueTime is before the revocation time, so stolen temporary credentials stop working while new sessions (the instance's own, after it refreshes) keep working.",
    rollback:
      'Puts back the AISAWSRevokeOlderSessions inline policy read before the fix, or deletes it if there was none.',
  }),
  definePlaybook({
    id: 'ec2.isolate-instance',
    title: 'Isolate the instance and keep its disks for forensics',
    resourceType: 'AWS::EC2::Instance',
    safety: 'disruptive',
    defaultMode: 'approve',
    description:
      "Moves every network interface of the instance to the VPC's quarantine security group (aisaws-quarantine, no inbound and no outbound rule) and snapshots its EBS volumes, tagged for forensics. Never stops or terminates it.",
    rollback:
      'Puts back the security groups each network interface had before the fix; the forensic snapshots are kept.',
  }),
]);

export type { PlaybookDescriptor };
export { definePlaybook, PLAYBOOKS };
