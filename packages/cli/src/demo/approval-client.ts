/**
 * Answers an approval link the way a person in a browser does: open the link (GET: the approval endpoint shows a
 * confirmation page and changes nothing), then submit that page's form (POST of its hidden, signed fields to the
 * form's action). `aisaws approve` and `aisaws demo --auto-approve/--reject` both use it.
 */

interface ApprovalAnswer {
  /** Status of the last response: the POST's, or the GET's when the page offered no form (expired, decided …). */
  readonly statusCode: number;
  /** HTML of that response. */
  readonly body: string;
  /** Whether the form was submitted. */
  readonly submitted: boolean;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The POST form of a confirmation page: its action (resolved against the page URL) and hidden fields. */
function confirmationForm(
  html: string,
  pageUrl: string,
): { action: string; fields: URLSearchParams } | undefined {
  const form = /<form\b[^>]*\bmethod="post"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const action = /\baction="([^"]*)"/i.exec(form[0])?.[1] ?? '';
  const fields = new URLSearchParams();
  for (const input of (form[1] ?? '').matchAll(/<input\b[^>]*>/gi)) {
    const name = /\bname="([^"]*)"/i.exec(input[0])?.[1];
    const value = /\bvalue="([^"]*)"/i.exec(input[0])?.[1] ?? '';
    if (name !== undefined) fields.append(decodeEntities(name), decodeEntities(value));
  }
  return { action: new URL(decodeEntities(action), pageUrl).toString(), fields };
}

async function confirmApprovalLink(link: string): Promise<ApprovalAnswer> {
  const opened = await fetch(link);
  const page = await opened.text();
  const form = opened.ok ? confirmationForm(page, link) : undefined;
  if (!form) return { statusCode: opened.status, body: page, submitted: false };
  const posted = await fetch(form.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.fields.toString(),
  });
  return { statusCode: posted.status, body: await posted.text(), submitted: true };
}

export type { ApprovalAnswer };
export { confirmApprovalLink, confirmationForm };
