import type { ScanError, ScanResult } from './scan-result.js';

/**
 * Serialises one output line by hand, with the key order of the schema: the strings that repeat across events
 * (reasons, feature names, file names, event names) are escaped once and cached, and their non-ASCII characters
 * (e.g. "≥" in reasons) are written as \uXXXX escapes. Every piece is therefore ASCII, so a line is written as bytes,
 * one per character, and JSON.parse reads back exactly the same strings (a property test holds both).
 */

const MAX_CACHED = 50_000;
const NON_ASCII = /[\u007f-\uffff]/g;
const escapeChar = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
const quoted = new Map<string, string>();

/** JSON text of `value`, ASCII only (every other character escaped), not cached: for what is one event's own. */
const asciiJson = (value: unknown): string => JSON.stringify(value).replace(NON_ASCII, escapeChar);

/** JSON string literal of `text`, cached for the strings that repeat. */
function quote(text: string): string {
  let literal = quoted.get(text);
  if (literal === undefined) {
    literal = asciiJson(text);
    if (quoted.size < MAX_CACHED) quoted.set(text, literal);
  }
  return literal;
}

/** JSON number literal (`null` for a non-finite number, as JSON.stringify writes it). */
const num = (value: number): string => (Number.isFinite(value) ? String(value) : 'null');

/** ASCII text as bytes, one per character (every cached piece is ASCII: `quote` escapes the rest). */
const asciiBytes = (text: string): Uint8Array => Buffer.from(text, 'latin1');

/** Strings up to this length are copied by a loop; longer ones by Buffer's native copy (a call costs more). */
const LOOP_COPY_MAX = 64;

/** Copies ASCII `text` into `target` at `at`, one byte per character; returns the end. */
function putAscii(target: Buffer, at: number, text: string): number {
  if (text.length > LOOP_COPY_MAX) return at + target.write(text, at, 'latin1');
  for (let i = 0; i < text.length; i++) target[at++] = text.charCodeAt(i);
  return at;
}

/** Copies `bytes` into `target` at `at`; returns the end. */
function putBytes(target: Buffer, at: number, bytes: Uint8Array): number {
  target.set(bytes, at);
  return at + bytes.length;
}

/** Room kept for a number: `String` of any double is at most 24 characters. */
const NUMBER_ROOM = 24;

/** Writes `num(value)`: the digits of a plain line or index directly, anything else through `String`. */
function putNumber(target: Buffer, at: number, value: number): number {
  if (!(value >= 0 && Number.isSafeInteger(value))) return putAscii(target, at, num(value));
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let rest = value;
  for (let i = at + digits - 1; i >= at; i--) {
    target[i] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return at + digits;
}

/**
 * The bytes between the event name and the source of an event without detections,
 * `,"detections":[],"risk":{…},"decision":{…},"source":`, per risk and decision object: the evaluator hands the same
 * risk object to every event with the same assessment, and the same decision object to every such event without
 * detections, so most lines reuse one piece.
 */
const quietMiddles = new WeakMap<ScanResult['risk'], WeakMap<ScanResult['decision'], Uint8Array>>();
const riskTexts = new WeakMap<ScanResult['risk'], string>();
const riskBytesCache = new WeakMap<ScanResult['risk'], Uint8Array>();

function riskJson(risk: ScanResult['risk']): string {
  let text = riskTexts.get(risk);
  if (text === undefined) {
    let explanation = '';
    for (const contribution of risk.explanation) {
      explanation += `${explanation === '' ? '' : ','}{"feature":${quote(contribution.feature)},"contribution":${num(contribution.contribution)}}`;
    }
    text = `{"score":${num(risk.score)},"level":${quote(risk.level)},"explanation":[${explanation}]}`;
    riskTexts.set(risk, text);
  }
  return text;
}

function riskBytes(risk: ScanResult['risk']): Uint8Array {
  let bytes = riskBytesCache.get(risk);
  if (bytes === undefined) {
    bytes = asciiBytes(riskJson(risk));
    riskBytesCache.set(risk, bytes);
  }
  return bytes;
}

function quietMiddle(result: ScanResult): Uint8Array {
  let byDecision = quietMiddles.get(result.risk);
  if (byDecision === undefined) {
    byDecision = new WeakMap();
    quietMiddles.set(result.risk, byDecision);
  }
  let bytes = byDecision.get(result.decision);
  if (bytes === undefined) {
    const decision = `{"action":${quote(result.decision.action)},"reason":${quote(result.decision.reason)}}`;
    bytes = asciiBytes(`,"detections":[],"risk":${riskJson(result.risk)},"decision":${decision},"source":`);
    byDecision.set(result.decision, bytes);
  }
  return bytes;
}

/** Bytes cached per string (an event name, a file name, an action), up to `MAX_CACHED` strings. */
function bytesCache(make: (text: string) => string): (text: string) => Uint8Array {
  const cache = new Map<string, Uint8Array>();
  return (text) => {
    let bytes = cache.get(text);
    if (bytes === undefined) {
      bytes = asciiBytes(make(text));
      if (cache.size < MAX_CACHED) cache.set(text, bytes);
    }
    return bytes;
  };
}

/** `,"eventName":"…"`, per event name. */
const nameBytes = bytesCache((eventName) => `,"eventName":${quote(eventName)}`);
/** `{"file":…` of a source, per file (the rest, line and index, is per event). */
const sourceHeadBytes = bytesCache((file) => `{"file":${quote(file)}`);
/** `,"risk":…,"decision":{"action":…,"reason":` is built from these for an event with detections. */
const actionBytes = bytesCache((action) => `,"decision":{"action":${quote(action)},"reason":`);

const ID_OPEN = asciiBytes('{"eventId":"');
const ID_KEY = asciiBytes('{"eventId":');
const DETECTIONS_KEY = asciiBytes(',"detections":');
const RISK_KEY = asciiBytes(',"risk":');
const DECISION_END = asciiBytes('},"source":');
const LINE_KEY = asciiBytes(',"line":');
const INDEX_KEY = asciiBytes(',"index":');
const LINE_END = asciiBytes('}}\n');

/** True when the id can be written between quotes as it is (printable ASCII, no quote, no backslash): almost always. */
function isPlainId(id: string): boolean {
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return false;
  }
  return true;
}

/**
 * Writes the output line of `result` (its JSON text, with the key order of the schema, and a newline) into `target`
 * from `offset`, as bytes: the pieces that repeat across lines are cached as bytes and copied, so no line is built
 * as a string and no string is encoded per piece (encoding the cached strings piece by piece was the largest cost
 * of the output). An event with detections has its own detections and reason: they are written as literals, not
 * cached. Returns the end of the line; when the line may not fit in what `target` has left, writes nothing and
 * returns minus the bytes it needs at most.
 */
function encodeResultLine(result: ScanResult, target: Buffer, offset: number): number {
  const id = result.eventId;
  const idLiteral = isPlainId(id) ? undefined : asciiJson(id);
  const name = nameBytes(result.eventName);
  const source = result.source;
  const head = sourceHeadBytes(source.file);
  const detected = result.detections.length > 0;
  const quiet = detected ? undefined : quietMiddle(result);
  const detections = detected ? asciiJson(result.detections) : '';
  const risk = detected ? riskBytes(result.risk) : undefined;
  const action = detected ? actionBytes(result.decision.action) : undefined;
  const reason = detected ? asciiJson(result.decision.reason) : '';
  const needed =
    (idLiteral === undefined ? ID_OPEN.length + id.length + 1 : ID_KEY.length + idLiteral.length) +
    name.length +
    (quiet !== undefined
      ? quiet.length
      : DETECTIONS_KEY.length +
        detections.length +
        RISK_KEY.length +
        (risk as Uint8Array).length +
        (action as Uint8Array).length +
        reason.length +
        DECISION_END.length) +
    head.length +
    (source.line === undefined ? 0 : LINE_KEY.length + NUMBER_ROOM) +
    (source.index === undefined ? 0 : INDEX_KEY.length + NUMBER_ROOM) +
    LINE_END.length;
  if (offset + needed > target.length) return -needed;
  let at = offset;
  if (idLiteral === undefined) {
    at = putAscii(target, putBytes(target, at, ID_OPEN), id);
    target[at++] = 0x22;
  } else at = putAscii(target, putBytes(target, at, ID_KEY), idLiteral);
  at = putBytes(target, at, name);
  if (quiet !== undefined) at = putBytes(target, at, quiet);
  else {
    at = putAscii(target, putBytes(target, at, DETECTIONS_KEY), detections);
    at = putBytes(target, putBytes(target, at, RISK_KEY), risk as Uint8Array);
    at = putAscii(target, putBytes(target, at, action as Uint8Array), reason);
    at = putBytes(target, at, DECISION_END);
  }
  at = putBytes(target, at, head);
  if (source.line !== undefined) at = putNumber(target, putBytes(target, at, LINE_KEY), source.line);
  if (source.index !== undefined) at = putNumber(target, putBytes(target, at, INDEX_KEY), source.index);
  return putBytes(target, at, LINE_END);
}

/** The output line of `result`, without the newline. */
function resultJson(result: ScanResult): string {
  const bytes = Buffer.allocUnsafe(-encodeResultLine(result, Buffer.alloc(0), 0));
  const end = encodeResultLine(result, bytes, 0);
  return bytes.toString('latin1', 0, end - 1);
}

/** An error line: its fields in the order of ScanErrorSchema (errors are rare: no cache). */
const errorJson = (error: ScanError): string => asciiJson(error);

export { encodeResultLine, errorJson, resultJson };
