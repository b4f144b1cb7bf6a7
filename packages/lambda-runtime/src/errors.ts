/** A missing or invalid environment variable (or setting read from one), named in the message. Fails the cold start. */
class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

export { ConfigurationError };
