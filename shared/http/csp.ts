import { createHash } from 'node:crypto';

/**
 * A Content-Security-Policy for a single-page app: its own files, the API, nothing inline except
 * the exact inline scripts and styles index.html has (by hash), never a frame. CloudFront sends it
 * (lib/console.ts) and so does the local gateway, so a console change that breaks it fails locally.
 * Locally the console is plain http on loopback, so it does not ask for upgrades to https.
 */
export function consoleCsp(indexHtml: string, connectSources: readonly string[], { upgradeInsecure = true } = {}): string {
  const inline = (tag: 'script' | 'style') =>
    [...indexHtml.matchAll(new RegExp(`<${tag}(?![^>]*\\bsrc=)[^>]*>([\\s\\S]*?)</${tag}>`, 'gi'))].map(
      (match) => ` 'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`,
    );
  return [
    "default-src 'self'",
    `script-src 'self'${inline('script').join('')}`,
    `style-src 'self'${inline('style').join('')}`,
    "img-src 'self' data:",
    `connect-src 'self' ${connectSources.join(' ')}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(upgradeInsecure ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}
