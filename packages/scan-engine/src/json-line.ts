import type { ScanError, ScanResult } from './scan-result.js';

/**
 * Serialises one output line by hand, with the key order of the schema: the strings that repeat across events
 * (reasons, feature names, file names, event names) are escaped once and cached, and their non-ASCII characters
 * (e.g. "≥" in reasons) are written as \uXXXX escapes. Every piece written is therefore ASCII, which the json
 * reporter relies on (it copies one byte per character) and a property test holds; JSON.parse reads back exactly the
 * same strings.
 */

const MAX_CACHED = 50_000;
const NON_ASCII = /[\u007f-\uffff]/g;
const escapeChar = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
const quoted = new Map<string, string>();

/** JSON string literal of `text`, cached for the strings that repeat. */
function quote(text: string): string {
  let literal = quoted.get(text);
  if (literal === undefined) {
    literal = JSON.stringify(text).replace(NON_ASCII, escapeChar);
    if (quoted.size < MAX_CACHED) quoted.set(text, literal);
  }
  return literal;
}

/** JSON number literal (`null` for a non-finite number, as JSON.stringify writes it). */
const num = (value: number): string => (Number.isFinite(value) ? String(value) : 'null');

/**
 * The text between the event name and the source, `,"detections":[],"risk":{…},"decision":{…},"source":`, per risk
 * and decision object: the evaluator hands the same risk object to every event with the same assessment, and the
 * same decision object to every such event without detections, so most lines reuse one text. (With detections, the
 * decision is the event's own: its text is built each time.)
 */
const quietMiddles = new WeakMap<ScanResult['risk'], WeakMap<ScanResult['decision'], string>>();
const riskTexts = new WeakMap<ScanResult['risk'], string>();

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

const decisionJson = (decision: ScanResult['decision']): string =>
  `{"action":${quote(decision.action)},"reason":${quote(decision.reason)}}`;

function middleJson(result: ScanResult): string {
  if (result.detections.length > 0)
    return (
      `,"detections":${JSON.stringify(result.detections).replace(NON_ASCII, escapeChar)}` +
      `,"risk":${riskJson(result.risk)},"decision":${decisionJson(result.decision)},"source":`
    );
  let byDecision = quietMiddles.get(result.risk);
  if (byDecision === undefined) {
    byDecision = new WeakMap();
    quietMiddles.set(result.risk, byDecision);
  }
  let text = byDecision.get(result.decision);
  if (text === undefined) {
    text = `,"detections":[],"risk":${riskJson(result.risk)},"decision":${decisionJson(result.decision)},"source":`;
    byDecision.set(result.decision, text);
  }
  return text;
}

/** `{"file":…` of a source, per file (the rest, line and index, is per event). */
const fileTexts = new Map<string, string>();

function sourceHead(file: string): string {
  let text = fileTexts.get(file);
  if (text === undefined) {
    text = `{"file":${quote(file)}`;
    if (fileTexts.size < MAX_CACHED) fileTexts.set(file, text);
  }
  return text;
}

/** `"eventName":"…"` with the comma and quotes around it, per event name. */
const nameTexts = new Map<string, string>();

function nameJson(eventName: string): string {
  let text = nameTexts.get(eventName);
  if (text === undefined) {
    text = `,"eventName":${quote(eventName)}`;
    if (nameTexts.size < MAX_CACHED) nameTexts.set(eventName, text);
  }
  return text;
}

/** An event id is usually plain ASCII: escaped only when it has something to escape. */
const PLAIN_ID = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * Writes the output line of `result` (its JSON text and a newline) to `write` in pieces: the pieces that repeat
 * across lines are cached strings, so no line is built as one string (joining the pieces and encoding the joined
 * text cost more than the rest of the output). The pieces joined are exactly `resultJson(result) + "\n"`.
 */
function writeResultLine(result: ScanResult, write: (piece: string) => unknown): void {
  const id = result.eventId;
  if (PLAIN_ID.test(id)) {
    write('{"eventId":"');
    write(id);
    write('"');
  } else write(`{"eventId":${JSON.stringify(id).replace(NON_ASCII, escapeChar)}`);
  write(nameJson(result.eventName));
  write(middleJson(result));
  const source = result.source;
  write(sourceHead(source.file));
  if (source.line !== undefined) write(`,"line":${num(source.line)}`);
  if (source.index !== undefined) write(`,"index":${num(source.index)}`);
  write('}}\n');
}

/** The output line of `result`, without the newline. */
function resultJson(result: ScanResult): string {
  let text = '';
  writeResultLine(result, (piece) => {
    text += piece;
  });
  return text.slice(0, -1);
}

/** An error line: its fields in the order of ScanErrorSchema (errors are rare: no cache). */
const errorJson = (error: ScanError): string => JSON.stringify(error).replace(NON_ASCII, escapeChar);

export { errorJson, resultJson, writeResultLine };
