import { z } from 'zod';

/** The part of a Lambda function URL (payload 2.0) event the Approval Lambda reads; other fields are kept. */
const FunctionUrlEventSchema = z.looseObject({
  rawQueryString: z.string().optional(),
  queryStringParameters: z.record(z.string(), z.string()).optional(),
  requestContext: z.looseObject({
    http: z.looseObject({
      method: z.string(),
      sourceIp: z.string().optional(),
      userAgent: z.string().optional(),
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

/** A small self-contained HTML page; no referrer so the signed URL never leaks to another site. */
function htmlPage(statusCode: number, title: string, message: string): HttpResponse {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AISAWS — ${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:40em;margin:3em auto"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`,
  };
}

export type { FunctionUrlEvent, HttpResponse };
export { FunctionUrlEventSchema, htmlPage };
