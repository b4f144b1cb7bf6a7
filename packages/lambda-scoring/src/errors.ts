/** The events item of this eventID does not exist: Ingest never recorded it, so the order of stages is broken. */
class EventNotFoundError extends Error {
  readonly eventId: string;

  constructor(eventId: string, table: string) {
    super(
      `event ${eventId} has no item in table ${table}: it must be ingested (status RECEIVED) before scoring`,
    );
    this.name = 'EventNotFoundError';
    this.eventId = eventId;
  }
}

export { EventNotFoundError };
