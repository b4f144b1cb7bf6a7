/**
 * Static credentials for the local emulators only. s3rver checks signatures against its one built-in local key pair
 * (`S3RVER`/`S3RVER`); dynalite accepts any. They are public placeholders of the emulator, not secrets; the region
 * is fixed so no SDK ever looks up a profile. A fresh object per client: the SDK annotates the credentials object
 * it is given (a frozen one makes it throw).
 */
const localEmulatorCredentials = (): { accessKeyId: string; secretAccessKey: string } => ({
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
});

const LOCAL_EMULATOR_REGION = 'us-east-1';

export { LOCAL_EMULATOR_REGION, localEmulatorCredentials };
