/** One SNS message attribute of type String, as Publish takes it. */
interface SnsStringAttribute {
  readonly DataType: 'String';
  readonly StringValue: string;
}

/**
 * An alert's attributes (`name → text`) as SNS Publish MessageAttributes, so the Alert Lambda and the reconcile job
 * (which publishes what the Alert Lambda kept in its outbox) send the same message shape.
 */
function snsStringAttributes<Attributes extends { readonly [Name in keyof Attributes]: string }>(
  attributes: Attributes,
): Record<string, SnsStringAttribute> {
  return Object.fromEntries(
    Object.entries<string>(attributes).map(([name, value]) => [
      name,
      { DataType: 'String', StringValue: value },
    ]),
  );
}

export type { SnsStringAttribute };
export { snsStringAttributes };
