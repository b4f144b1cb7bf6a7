import '@aisaws/core/zod-english';
import * as z from 'zod/mini';

/** The part of a Lambda function URL (payload 2.0) event the Approval Lambda reads; other fields are kept. */
const FunctionUrlEventSchema = z.looseObject({
  rawQueryString: z.optional(z.string()),
  queryStringParameters: z.optional(z.record(z.string(), z.string())),
  headers: z.optional(z.record(z.string(), z.string())),
  body: z.optional(z.string()),
  isBase64Encoded: z.optional(z.boolean()),
  requestContext: z.looseObject({
    http: z.looseObject({
      method: z.string(),
      sourceIp: z.optional(z.string()),
      userAgent: z.optional(z.string()),
    }),
  }),
});
type FunctionUrlEvent = z.infer<typeof FunctionUrlEventSchema>;

interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // form-action: the confirmation form may only post back here; frame-ancestors: no clickjacking.
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

function page(title: string, inner: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>AISAWS — ${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:40em;margin:3em auto"><h1>${escapeHtml(title)}</h1>${inner}</body></html>`;
}

/** A small self-contained HTML page; no referrer so the signed URL never leaks to another site. */
function htmlPage(
  statusCode: number,
  title: string,
  message: string,
  extraHeaders: Record<string, string> = {},
): HttpResponse {
  return {
    statusCode,
    headers: { ...PAGE_HEADERS, ...extraHeaders },
    body: page(title, `<p>${escapeHtml(message)}</p>`),
  };
}

/**
 * The confirmation page a GET of a link shows: what will happen, and one button whose form POSTs the link's signed
 * fields back to the same URL path. Opening the page (a mail scanner, a link preview) changes nothing.
 */
function confirmationPage(
  title: string,
  message: string,
  button: string,
  fields: Readonly<Record<string, string>>,
): HttpResponse {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return {
    statusCode: 200,
    headers: PAGE_HEADERS,
    body: page(
      title,
      `<p>${escapeHtml(message)}</p><form method="post" action="">${inputs}<button type="submit">${escapeHtml(button)}</button></form>`,
    ),
  };
}

/** The fields of a posted form (`application/x-www-form-urlencoded`, base64 when the function URL says so). */
function formFields(event: FunctionUrlEvent): Record<string, string> {
  if (!event.body) return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  return Object.fromEntries(new URLSearchParams(text));
}

export type { FunctionUrlEvent, HttpResponse };
export { confirmationPage, FunctionUrlEventSchema, formFields, htmlPage };
