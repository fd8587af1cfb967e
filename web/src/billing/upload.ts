import type { UPLOAD_CONTENT_TYPES } from '#shared/contracts/billing.js';

export type UploadContentType = (typeof UPLOAD_CONTENT_TYPES)[number];

/** The content type to declare for a billing export, from its name (the API detects the real format from the bytes). */
export function contentTypeOf(fileName: string): UploadContentType {
  const name = fileName.toLowerCase();
  if (name.endsWith('.parquet')) return 'application/vnd.apache.parquet';
  if (name.endsWith('.gz') || name.endsWith('.gzip')) return 'application/gzip';
  if (name.endsWith('.csv')) return 'text/csv';
  return 'application/octet-stream';
}

/** A file name the API accepts (letters, digits and "._=-"), keeping the extension the detector reads. */
export function safeFileName(fileName: string): string {
  const cleaned = fileName
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._=-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  const name = cleaned === '' || cleaned === '.' || cleaned === '..' ? 'billing-export' : cleaned;
  return name.length > 200 ? name.slice(name.length - 200) : name;
}

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

/**
 * PUTs a file to its presigned target with the headers the API named. XMLHttpRequest rather than
 * fetch, because only it reports upload progress.
 */
export function putFile(
  target: { url: string; method: 'PUT'; headers: Record<string, string> },
  file: Blob,
  { onProgress, signal }: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(target.method, target.url);
    for (const [name, value] of Object.entries(target.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(1);
        resolve();
        return;
      }
      reject(new UploadError(uploadErrorMessage(xhr), xhr.status));
    };
    xhr.onerror = () => reject(new UploadError('The file could not be sent: the upload was interrupted. Check your connection and try again.', 0));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** The storage's own explanation: the API's error envelope locally, S3's XML <Message> in AWS. */
function uploadErrorMessage(xhr: XMLHttpRequest): string {
  const text = xhr.responseText ?? '';
  try {
    const body = JSON.parse(text) as { error?: { message?: string } };
    if (body.error?.message) return `The upload was refused: ${body.error.message}`;
  } catch {
    const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
    if (message) return `The upload was refused: ${message}`;
  }
  return `The upload was refused (HTTP ${xhr.status}).`;
}
