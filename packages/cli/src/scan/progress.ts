import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';

/** Progress of a scan, by bytes read (the only total known before parsing), and S3 objects when there are some. */
interface ScanProgress {
  addBytes(bytes: number): void;
  /** One more S3 object fetched. */
  addObject(): void;
  setEvents(events: number): void;
  stop(): void;
}

const NO_PROGRESS: ScanProgress = { addBytes() {}, addObject() {}, setEvents() {}, stop() {} };

/** Redraw at most every this many events: updating the bar per event would cost more than the scan. */
const EVENTS_PER_UPDATE = 2048;

/** A progress bar on stderr, only when stderr is a terminal (never in pipes, files or CI logs). */
function createProgress(
  stderr: Writable & { isTTY?: boolean },
  totalBytes: number,
  enabled: boolean,
  /** S3 objects to fetch (`aisaws scan s3://…`); 0 for a local scan. */
  totalObjects = 0,
): ScanProgress {
  if (!enabled || stderr.isTTY !== true || totalBytes === 0) return NO_PROGRESS;
  const bar = new cliProgress.SingleBar(
    {
      stream: stderr,
      format:
        totalObjects > 0
          ? 'scan [{bar}] {percentage}% | {objects}/{totalObjects} objects | {events} events | ETA {eta_formatted}'
          : 'scan [{bar}] {percentage}% | {events} events | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let bytes = 0;
  let lastEvents = 0;
  let objects = 0;
  bar.start(totalBytes, 0, { events: 0, objects, totalObjects });
  return {
    addBytes(n) {
      bytes += n;
    },
    addObject() {
      objects++;
      bar.update(Math.min(bytes, totalBytes), { objects });
    },
    setEvents(events) {
      if (events - lastEvents < EVENTS_PER_UPDATE) return;
      lastEvents = events;
      bar.update(Math.min(bytes, totalBytes), { events });
    },
    stop() {
      bar.update(totalBytes, { events: lastEvents });
      bar.stop();
    },
  };
}

export type { ScanProgress };
export { createProgress };
