import { NotDoneError, UsageError } from '../errors.js';
import { createStateDir, type PendingApproval } from '../sandbox/state-dir.js';
import { type ApprovalAnswer, confirmApprovalLink } from './approval-client.js';
import { createPainter, type DemoOutput } from './render.js';

/**
 * `aisaws approve [<link | eventId | token>] [--reject]`: answers an approval request of a running demo, from
 * another process, exactly as a person clicking the e-mail link would: an HTTP GET of the signed link (the
 * confirmation page), then the POST of that page's form, served by the demo's approval endpoint, which runs the REAL
 * approval handler. Without a link, the pending approval written by
 * the waiting demo in the state folder is used (by event id, by the link's token, or the only one pending).
 */

interface ApproveOptions {
  readonly target?: string;
  readonly reject: boolean;
  readonly stateDir: string;
}

interface ApproveResult {
  link: string;
  decision: 'approve' | 'reject';
  statusCode: number;
  message: string;
}

/** No link could be found for what was given, or the endpoint does not answer: exit 3. */
class NoPendingApprovalError extends NotDoneError {
  override readonly name = 'NoPendingApprovalError';
}

function isLink(value: string): boolean {
  return /^https?:\/\//.test(value);
}

function linkOf(pending: PendingApproval, reject: boolean): string {
  return reject ? pending.reject : pending.approve;
}

async function resolveLink(options: ApproveOptions): Promise<string> {
  if (options.target && isLink(options.target)) return options.target;
  const stateDir = createStateDir(options.stateDir);
  await stateDir.requireExisting();
  const pendings = await stateDir.listPendingApprovals();
  if (options.target) {
    const target = options.target;
    const match = pendings.find(
      (pending) =>
        pending.eventId === target || new URL(pending.approve).searchParams.get('token') === target,
    );
    if (!match)
      throw new NoPendingApprovalError(
        `no pending approval for ${JSON.stringify(target)} in ${options.stateDir} (pending: ${pendings.map((p) => p.eventId).join(', ') || 'none'})`,
      );
    return linkOf(match, options.reject);
  }
  const [only, ...others] = pendings;
  if (!only) throw new NoPendingApprovalError(`no demo is waiting for an approval in ${options.stateDir}`);
  if (others.length > 0)
    throw new NoPendingApprovalError(
      `${pendings.length} approvals are pending; name one: ${pendings.map((pending) => pending.eventId).join(', ')}`,
    );
  return linkOf(only, options.reject);
}

/** Visible text of the approval page (the handler answers with a small HTML page). */
function pageText(html: string): string {
  return html
    .replace(/<(head|script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

async function runApprove(options: ApproveOptions, out: DemoOutput): Promise<ApproveResult> {
  const link = await resolveLink(options);
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new UsageError(`not a link: ${link.slice(0, 200)}`);
  }
  const decision = url.searchParams.get('decision') === 'reject' ? 'reject' : 'approve';
  if (options.reject && decision !== 'reject')
    throw new UsageError('--reject was given but the link is an approve link; pass the reject link');
  let response: ApprovalAnswer;
  try {
    response = await confirmApprovalLink(link);
  } catch (error) {
    throw new NoPendingApprovalError(
      `the approval endpoint ${url.origin} does not answer (${error instanceof Error ? error.message : String(error)}): is the demo still waiting?`,
    );
  }
  const message = pageText(response.body);
  const painter = createPainter(out.isTTY);
  const ok = response.submitted && response.statusCode >= 200 && response.statusCode < 300;
  out.write(`${painter.ok(ok)} ${decision} → HTTP ${response.statusCode}: ${message}\n`);
  return { link, decision, statusCode: response.statusCode, message };
}

export type { ApproveOptions, ApproveResult };
export { NoPendingApprovalError, pageText, runApprove };
