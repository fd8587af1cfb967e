import type { APIGatewayProxyResult } from 'aws-lambda';

/** JSON responses and the error envelope `{"error": {code, message, details, requestId}}`. */
export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  if (statusCode === 204 || body === undefined) return { statusCode, headers, body: '' };
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResponse(
  statusCode: number,
  code: string,
  message: string,
  requestId: string | null,
  details: unknown = null,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return jsonResponse(statusCode, { error: { code, message, details, requestId } }, headers);
}

/** Headers every API answer carries: the API serves JSON only, never a page to frame or sniff. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};
