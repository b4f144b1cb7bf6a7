/** The events item of this eventID does not exist: the earlier stages never recorded it. */
class EventNotFoundError extends Error {
  readonly eventId: string;

  constructor(eventId: string, table: string) {
    super(
      `event ${eventId} has no item in table ${table}: it must be ingested and scored before the decision`,
    );
    this.name = 'EventNotFoundError';
    this.eventId = eventId;
  }
}

/** The events item is in a status from which no decision may be recorded (e.g. it was never scored correctly). */
class InvalidEventStatusError extends Error {
  readonly eventId: string;
  readonly status: string;

  constructor(eventId: string, status: string) {
    super(`event ${eventId} has status ${status}: a decision is recorded only from RECEIVED or SCORED`);
    this.name = 'InvalidEventStatusError';
    this.eventId = eventId;
    this.status = status;
  }
}

export { EventNotFoundError, InvalidEventStatusError };
