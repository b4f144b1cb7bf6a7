import { describe, expect, it } from '@jest/globals';
import { detectedIds, fixture, hitOf, objectAt } from './fixtures.js';

describe('S3 object ransomware (s3-objects.ts)', () => {
  it('flags SSE-C on a copy, and ignores a copy with S3-managed keys', () => {
    const hit = hitOf(
      fixture('s3/object-encrypted-with-customer-key.json'),
      's3.object-encrypted-with-customer-key',
    );
    expect(hit.resource).toMatchObject({ id: 'invoices-archive', details: { key: '2026/02/inv-00417.pdf' } });
    const plain = fixture('s3/object-encrypted-with-customer-key.json', (raw) => {
      const req = objectAt(raw, 'requestParameters');
      delete req['x-amz-server-side-encryption-customer-algorithm'];
      req['x-amz-server-side-encryption'] = 'AES256';
    });
    expect(detectedIds(plain)).toEqual([]);
  });

  it('flags a KMS key of a foreign account, but not our own or a trusted one', () => {
    expect(
      hitOf(fixture('s3/object-encrypted-with-foreign-key.json'), 's3.object-encrypted-with-foreign-key')
        .evidence,
    ).toMatchObject({ keyAccount: '444455556666' });
    const own = fixture('s3/object-encrypted-with-foreign-key.json', (raw) => {
      objectAt(raw, 'requestParameters')['x-amz-server-side-encryption-aws-kms-key-id'] =
        'arn:aws:kms:eu-west-3:210987654321:key/5c2e8f0a-7b1d-4c3e-9a6f-2d8b0e4c7a91';
    });
    const trusted = fixture('s3/object-encrypted-with-foreign-key.json');
    expect(detectedIds(own)).toEqual([]);
    expect(detectedIds(trusted, { trustedAccounts: new Set(['444455556666']) })).toEqual([]);
  });

  it('flags a ransom note by its name, not an ordinary upload', () => {
    expect(hitOf(fixture('s3/ransom-note-uploaded.json'), 's3.ransom-note-uploaded').summary).toContain(
      'README_TO_RESTORE_YOUR_FILES.txt',
    );
    for (const key of ['docs/HOW_TO_DECRYPT_FILES.txt', 'x/your-files-are-encrypted.html', 'RANSOM_NOTE.md'])
      expect(
        detectedIds(
          fixture('s3/ransom-note-uploaded.json', (raw) => {
            objectAt(raw, 'requestParameters').key = key;
          }),
        ),
      ).toEqual(['s3.ransom-note-uploaded']);
    for (const key of ['reports/quarterly-report.pdf', 'README.md', 'restore-scripts/run.sh'])
      expect(
        detectedIds(
          fixture('s3/ransom-note-uploaded.json', (raw) => {
            objectAt(raw, 'requestParameters').key = key;
          }),
        ),
      ).toEqual([]);
  });
});

describe('S3 object exfiltration and lost replicas', () => {
  it('flags a copy into a bucket owned by another account, but not between our own buckets', () => {
    const hit = hitOf(
      fixture('s3/object-copied-to-foreign-account.json'),
      's3.object-copied-to-foreign-account',
    );
    expect(hit.evidence).toMatchObject({
      foreignBucket: 'drop-7731-transfer',
      foreignAccount: '444455556666',
    });
    const internal = fixture('s3/object-copied-to-foreign-account.json', (raw) => {
      raw.resources = (raw.resources as Record<string, unknown>[]).map((r) =>
        r.accountId ? { ...r, accountId: '210987654321' } : r,
      );
    });
    expect(detectedIds(internal)).toEqual([]);
  });

  it('flags replication removed, and ignores a failed attempt', () => {
    expect(hitOf(fixture('s3/replication-removed.json'), 's3.replication-removed').resource?.id).toBe(
      'invoices-archive',
    );
    const failed = fixture('s3/replication-removed.json', (raw) => {
      raw.errorCode = 'AccessDenied';
    });
    expect(detectedIds(failed)).toEqual([]);
  });
});
