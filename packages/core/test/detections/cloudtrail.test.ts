import { describe, expect, it } from '@jest/globals';
import { detectedIds, fixture, hitOf, objectAt } from './fixtures.js';

describe('cloudtrail.logging-stopped', () => {
  it('takes the home region from the trail ARN, not from the record', () => {
    const hit = hitOf(fixture('cloudtrail/logging-stopped.json'), 'cloudtrail.logging-stopped');
    expect(hit.resource).toMatchObject({
      id: 'org-main-trail',
      arn: 'arn:aws:cloudtrail:eu-central-1:210987654321:trail/org-main-trail',
      details: { trailName: 'org-main-trail', homeRegion: 'eu-central-1', homeRegionFromArn: true },
    });
  });

  it('guesses the record region as home region for a bare trail name', () => {
    const bare = fixture('cloudtrail/logging-stopped.json', (raw) => {
      objectAt(raw, 'requestParameters').name = 'org-main-trail';
    });
    expect(hitOf(bare, 'cloudtrail.logging-stopped').resource?.details).toMatchObject({
      homeRegion: 'eu-west-3',
      homeRegionFromArn: false,
    });
  });

  it('turns a failed stop into a non-actionable tamper attempt only', () => {
    const failed = fixture('cloudtrail/logging-stopped.json', (raw) => {
      raw.errorCode = 'TrailNotFoundException';
    });
    const hits = detectedIds(failed);
    expect(hits).toEqual(['logging.tamper-attempt']);
    expect(hitOf(failed, 'logging.tamper-attempt').actionable).toBe(false);
  });

  it('never fires the tamper attempt on a successful call', () => {
    expect(detectedIds(fixture('cloudtrail/logging-stopped.json'))).not.toContain('logging.tamper-attempt');
  });
});

describe('cloudtrail.management-events-excluded', () => {
  it('does not fire on a revert that records all management events again', () => {
    const revert = fixture('cloudtrail/management-events-excluded.json', (raw) => {
      objectAt(raw, 'requestParameters').eventSelectors = [
        {
          readWriteType: 'All',
          includeManagementEvents: true,
          dataResources: [],
          excludeManagementEventSources: [],
        },
      ];
    });
    expect(detectedIds(revert)).toEqual([]);
  });

  it('fires when management events are kept but KMS events are excluded', () => {
    const excluded = fixture('cloudtrail/management-events-excluded.json', (raw) => {
      objectAt(raw, 'requestParameters').eventSelectors = [
        {
          readWriteType: 'All',
          includeManagementEvents: true,
          dataResources: [],
          excludeManagementEventSources: ['kms.amazonaws.com'],
        },
      ];
    });
    expect(detectedIds(excluded)).toEqual(['cloudtrail.management-events-excluded']);
  });

  it('reads advanced selectors: a Management category keeps it quiet, data-only selectors fire', () => {
    const withManagement = fixture('cloudtrail/management-events-excluded.json', (raw) => {
      const req = objectAt(raw, 'requestParameters');
      delete req.eventSelectors;
      req.advancedEventSelectors = [
        { name: 'mgmt', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] },
      ];
    });
    const dataOnly = fixture('cloudtrail/management-events-excluded.json', (raw) => {
      const req = objectAt(raw, 'requestParameters');
      delete req.eventSelectors;
      req.advancedEventSelectors = [
        {
          name: 's3',
          fieldSelectors: [
            { field: 'eventCategory', equals: ['Data'] },
            { field: 'resources.type', equals: ['AWS::S3::Object'] },
          ],
        },
      ];
    });
    expect(detectedIds(withManagement)).toEqual([]);
    expect(detectedIds(dataOnly)).toEqual(['cloudtrail.management-events-excluded']);
  });
});

describe('cloudtrail.trail-weakened', () => {
  it('lists what was turned off and ignores an update that strengthens the trail', () => {
    expect(
      hitOf(fixture('cloudtrail/trail-weakened.json'), 'cloudtrail.trail-weakened').resource?.details,
    ).toMatchObject({
      weakened: ['multi-region off', 'log file validation off'],
    });
    const strengthened = fixture('cloudtrail/trail-weakened.json', (raw) => {
      const req = objectAt(raw, 'requestParameters');
      req.isMultiRegionTrail = true;
      req.enableLogFileValidation = true;
    });
    expect(detectedIds(strengthened)).toEqual([]);
  });
});
