import { defineDetection } from './define.js';
import { num, request, resourceRef, response, str } from './read.js';

const KMS = 'kms.amazonaws.com';
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(.+)$/;

/** The key id of a request (`keyId` may be an id, an ARN or an alias). */
function keyIdOf(value: string): string {
  return KEY_ARN.exec(value)?.[1] ?? value;
}

const kmsKeyDeletionScheduled = defineDetection({
  id: 'kms.key-deletion-scheduled',
  title: 'KMS key scheduled for deletion',
  category: 'IMP',
  mitre: ['T1485', 'T1486'],
  severity: 0.8,
  description:
    'ScheduleKeyDeletion: once the waiting period ends, everything encrypted under the key is unreadable.',
  triggers: [{ eventSource: KMS, eventNames: ['ScheduleKeyDeletion'] }],
  playbook: 'kms.cancel-key-deletion',
  match(record) {
    const keyId = str(request(record).keyId);
    if (!keyId) return null;
    const res = response(record);
    const arn = str(res.keyId);
    const pendingDays = num(request(record).pendingWindowInDays) ?? num(res.pendingWindowInDays) ?? null;
    return {
      resource: resourceRef(
        record,
        'AWS::KMS::Key',
        keyIdOf(arn ?? keyId),
        {
          keyId: keyIdOf(arn ?? keyId),
          pendingWindowInDays: pendingDays,
          deletionDate: str(res.deletionDate) ?? null,
        },
        arn?.startsWith('arn:') ? arn : undefined,
      ),
      summary: `KMS key ${keyIdOf(keyId)} scheduled for deletion${pendingDays ? ` in ${pendingDays} days` : ''}`,
    };
  },
});

const kmsKeyDisabled = defineDetection({
  id: 'kms.key-disabled',
  title: 'KMS key disabled',
  category: 'IMP',
  mitre: ['T1485', 'T1486'],
  severity: 0.7,
  description: 'DisableKey: data encrypted under the key cannot be decrypted until it is enabled again.',
  triggers: [{ eventSource: KMS, eventNames: ['DisableKey'] }],
  playbook: null,
  match(record) {
    const keyId = str(request(record).keyId);
    if (!keyId) return null;
    return {
      resource: resourceRef(
        record,
        'AWS::KMS::Key',
        keyIdOf(keyId),
        { keyId: keyIdOf(keyId) },
        keyId.startsWith('arn:') ? keyId : undefined,
      ),
      summary: `KMS key ${keyIdOf(keyId)} disabled`,
    };
  },
});

const kmsKeyMaterialImported = defineDetection({
  id: 'kms.key-material-changed',
  title: 'KMS key material imported or deleted',
  category: 'IMP',
  mitre: ['T1486', 'T1485'],
  severity: 0.5,
  description:
    'ImportKeyMaterial or DeleteImportedKeyMaterial: whoever holds the imported material controls (or can destroy) the data.',
  triggers: [{ eventSource: KMS, eventNames: ['ImportKeyMaterial', 'DeleteImportedKeyMaterial'] }],
  playbook: null,
  match(record) {
    const keyId = str(request(record).keyId);
    if (!keyId) return null;
    return {
      resource: resourceRef(record, 'AWS::KMS::Key', keyIdOf(keyId), { keyId: keyIdOf(keyId) }),
      summary: `KMS key ${keyIdOf(keyId)}: ${record.eventName}`,
      severity: record.eventName === 'DeleteImportedKeyMaterial' ? 0.7 : 0.5,
    };
  },
});

export { kmsKeyDeletionScheduled, kmsKeyDisabled, kmsKeyMaterialImported };
