/** The part of a structured logger the stage calls (Powertools Logger fits it). */
interface StageLogger {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
}

const silentLogger: StageLogger = { info() {} };

export type { StageLogger };
export { silentLogger };
