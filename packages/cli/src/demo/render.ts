import { styleText } from 'node:util';

/**
 * Plain-text rendering of the demo as it happens. Colours only when the output is a TTY (node:util styleText);
 * every line reads the same without them.
 */

interface DemoOutput {
  write(text: string): void;
  /** Colours and symbols are used only on a terminal. */
  readonly isTTY: boolean;
}

type Style = 'bold' | 'dim' | 'green' | 'red' | 'yellow' | 'cyan' | 'magenta';

function createPainter(isTTY: boolean) {
  // The caller decides (its own stream's isTTY), so styleText must not look at process.stdout itself.
  const paint = (style: Style, text: string): string =>
    isTTY ? styleText(style, text, { validateStream: false }) : text;
  return {
    paint,
    ok: (ok: boolean): string => (ok ? paint('green', '✓') : paint('red', '✗')),
    bold: (text: string) => paint('bold', text),
    dim: (text: string) => paint('dim', text),
  };
}

/** `412 ms`, `1.9 s` */
function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** A value from a describe() map as a short phrase. */
function formatValue(value: unknown): string {
  if (value === true) return 'yes';
  if (value === false) return 'no';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(formatValue).join(', ');
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.every(([, entry]) => typeof entry === 'boolean'))
      return entries.map(([key, entry]) => `${key}=${entry ? 'on' : 'off'}`).join(' ');
    return JSON.stringify(value);
  }
  return String(value);
}

/** before → after for the keys that changed, and the unchanged ones dimmed. */
function formatResourceChange(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  indent: string,
  painter: ReturnType<typeof createPainter>,
): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const width = Math.max(...keys.map((key) => key.length));
  return keys.map((key) => {
    const was = formatValue(before[key]);
    const now = formatValue(after[key]);
    const label = `${key}:`.padEnd(width + 2);
    if (was === now) return painter.dim(`${indent}${label}${now}`);
    return `${indent}${label}${painter.paint('red', was)} → ${painter.paint('green', now)}`;
  });
}

/** The e-mail as it arrives: headers and body in a frame. */
function formatEmail(
  email: { subject: string; body: string; file: string; to?: string },
  indent: string,
  painter: ReturnType<typeof createPainter>,
): string[] {
  const lines = [
    `${indent}${painter.dim('┌─')} ${painter.bold(`Subject: ${email.subject}`)}`,
    `${indent}${painter.dim('│')}  ${painter.dim(`file: ${email.file}`)}`,
    `${indent}${painter.dim('│')}`,
    ...email.body
      .replace(/\r\n/g, '\n')
      .trimEnd()
      .split('\n')
      .map((line) => `${indent}${painter.dim('│')}  ${line}`),
    `${indent}${painter.dim('└─')}`,
  ];
  return lines;
}

export type { DemoOutput };
export { createPainter, formatEmail, formatMs, formatResourceChange, formatValue };
