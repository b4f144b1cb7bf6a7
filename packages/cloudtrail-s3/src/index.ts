export type { LogObjectEntry, ReadLogObjectOptions } from './read-log-object.js';
export { LogObjectError, readLogObject } from './read-log-object.js';
export type { ListedObject, ListOptions, S3ObjectRef, S3SkipReason } from './s3-source.js';
export { listS3Objects, openS3Object, S3ObjectStreamError, skipReasonOf } from './s3-source.js';
export type { S3Location } from './s3-url.js';
export { isS3Url, parseS3Url, S3UrlError, s3Url } from './s3-url.js';
