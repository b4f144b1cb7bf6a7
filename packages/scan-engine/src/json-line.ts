import type { ScanError, ScanResult, ScanSource } from './scan-result.js';

/**
 * Serialises one output line by hand, with the key order of the schema: the strings that repeat across events
 * (reasons, feature names, file names, event names) are escaped once and cached, and their non-ASCII characters
 * (e.g. "≥" in reasons) are written as \uXXXX escapes. That keeps the output text one-byte in V8, which makes
 * encoding it for stdout several times faster; JSON.parse reads back exactly the same strings.
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

function sourceJson(source: ScanSource): string {
  let text = `{"file":${quote(source.file)}`;
  if (source.line !== undefined) text += `,"line":${num(source.line)}`;
  if (source.index !== undefined) text += `,"index":${num(source.index)}`;
  return `${text}}`;
}

/**
 * The text of the risk and decision parts, per object: the evaluator hands the same risk object to every event with
 * the same assessment, and the same decision object to every such event without detections, so most lines reuse
 * both texts.
 */
const riskTexts = new WeakMap<ScanResult['risk'], string>();
const decisionTexts = new WeakMap<ScanResult['decision'], string>();

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

function decisionJson(decision: ScanResult['decision']): string {
  let text = decisionTexts.get(decision);
  if (text === undefined) {
    text = `{"action":${quote(decision.action)},"reason":${quote(decision.reason)}}`;
    decisionTexts.set(decision, text);
  }
  return text;
}

/** An event id is usually plain ASCII: escaped only when it has something to escape. */
const PLAIN_ID = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

function resultJson(result: ScanResult): string {
  const id = result.eventId;
  return (
    `{"eventId":${PLAIN_ID.test(id) ? `"${id}"` : JSON.stringify(id).replace(NON_ASCII, escapeChar)},"eventName":${quote(result.eventName)},` +
    `"detections":${result.detections.length === 0 ? '[]' : JSON.stringify(result.detections).replace(NON_ASCII, escapeChar)},` +
    `"risk":${riskJson(result.risk)},"decision":${decisionJson(result.decision)},"source":${sourceJson(result.source)}}`
  );
}

/** An error line: its fields in the order of ScanErrorSchema (errors are rare: no cache). */
const errorJson = (error: ScanError): string => JSON.stringify(error).replace(NON_ASCII, escapeChar);

export { errorJson, resultJson };
