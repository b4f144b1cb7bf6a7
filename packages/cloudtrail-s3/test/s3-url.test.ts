import { describe, expect, it } from '@jest/globals';
import { isS3Url, parseS3Url, S3UrlError } from '../src/index.js';

describe('parseS3Url', () => {
  it('splits bucket and prefix', () => {
    expect(parseS3Url('s3://org-trail/AWSLogs/111122223333/CloudTrail/')).toEqual({
      bucket: 'org-trail',
      prefix: 'AWSLogs/111122223333/CloudTrail/',
    });
    expect(parseS3Url('s3://org-trail')).toEqual({ bucket: 'org-trail', prefix: '' });
    expect(parseS3Url('s3://org-trail/')).toEqual({ bucket: 'org-trail', prefix: '' });
  });

  it.each([
    ['s3://', /names no bucket/],
    ['s3:///AWSLogs/', /names no bucket/],
    ['s3://Org_Trail/x', /not a valid S3 bucket name/],
    ['s3://a..b/x', /not a valid S3 bucket name/],
    ['/tmp/logs', /not an s3:\/\/ URL/],
  ])('rejects %s', (url, message) => {
    expect(() => parseS3Url(url)).toThrow(S3UrlError);
    expect(() => parseS3Url(url)).toThrow(message);
  });

  it('tells s3:// URLs from paths', () => {
    expect(isS3Url('s3://bucket/prefix')).toBe(true);
    expect(isS3Url('S3://bucket')).toBe(true);
    expect(isS3Url('./s3:/bucket')).toBe(false);
  });
});
