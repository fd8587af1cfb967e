import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from 'aws-lambda';
import type { AnyRoute, Domain } from '#shared/http/route.js';
import { LOCAL_OBJECTS_PATH, type LocalObjectStore } from '#shared/storage/local-object-store.js';
import { errorResponse, SECURITY_HEADERS } from '#shared/http/response.js';
import { consoleCsp } from '#shared/http/csp.js';

/**
 * The local stand-in for API Gateway (REST, Lambda proxy integration): matches the route table,
 * runs the real request authorizer with a result cache like API Gateway's, and invokes the same
 * domain handlers with API Gateway proxy events. Anything outside /v1 and /health is the console.
 */
type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

export interface GatewayOptions {
  routes: readonly AnyRoute[];
  handlers: Record<Domain, ProxyHandler>;
  authorizer: AuthorizerHandler;
  /** API Gateway's authorizer result cache; the deployed API uses at most 60 s. */
  authorizerCacheTtlSeconds: number;
  /** The built console (web/dist): files, with index.html for client-side routes. */
  consoleDir: string;
  /** API Gateway's own payload limit. */
  maxBodyBytes?: number;
  /** The local object store, whose presigned PUT URLs this gateway honours as S3 would. */
  objects?: LocalObjectStore;
}

interface CompiledRoute {
  route: AnyRoute;
  pattern: RegExp;
  names: string[];
  literalSegments: number;
}

const API_PREFIXES = ['/v1/', '/health'];
const MAX_REQUEST_LINE_AND_HEADERS = 10_240;
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

function compile(route: AnyRoute): CompiledRoute {
  const names: string[] = [];
  const segments = route.path.split('/').filter(Boolean);
  const source = segments
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param) {
        names.push(param[1]!);
        return '/([^/]+)';
      }
      return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
    })
    .join('');
  return { route, pattern: new RegExp(`^${source}/?$`), names, literalSegments: segments.length - names.length };
}

const send = (res: ServerResponse, result: APIGatewayProxyResult): void => {
  const headers: Record<string, string | number | boolean> = { ...result.headers };
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.join(', ');
  res.writeHead(result.statusCode, headers as Record<string, string>);
  res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
};

/** Gateway-level answers (no route, unauthorized, too large) use the same envelope as handlers. */
const gatewayError = (status: number, code: string, message: string, requestId: string): APIGatewayProxyResult => {
  const response = errorResponse(status, code, message, requestId);
  return { ...response, headers: { ...response.headers, ...SECURITY_HEADERS, 'x-request-id': requestId } };
};

function lambdaContext(functionName: string, requestId: string): Context {
  const deadline = Date.now() + 29_000; // API Gateway's integration timeout
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface Gateway {
  server: Server;
  /** Stops accepting connections, lets requests in flight finish (up to `timeoutMs`), then closes. */
  close(timeoutMs?: number): Promise<void>;
}

export function createGateway(options: GatewayOptions): Gateway {
  const compiled = options.routes
    .map(compile)
    // Like API Gateway, a literal segment wins over a parameter (`/v1/users/me` before `/v1/users/{id}`).
    .sort((a, b) => b.literalSegments - a.literalSegments);
  const cache = new Map<string, { result: APIGatewayAuthorizerResult; expires: number }>();
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const consoleRoot = resolve(options.consoleDir);

  async function authorize(event: APIGatewayRequestAuthorizerEvent, identity: string, requestId: string) {
    const cached = cache.get(identity);
    if (cached && cached.expires > Date.now()) return cached.result;
    let result: APIGatewayAuthorizerResult;
    try {
      result = await options.authorizer(event);
    } catch (error) {
      // API Gateway's contract: throwing "Unauthorized" means 401; anything else is a 500.
      if ((error as Error).message === 'Unauthorized') {
        return gatewayError(401, 'UNAUTHORIZED', 'Missing, invalid, expired or revoked credentials.', requestId);
      }
      console.error('[gateway] authorizer failed', error);
      return gatewayError(500, 'AUTHORIZER_FAILURE', 'The authorizer failed.', requestId);
    }
    if (options.authorizerCacheTtlSeconds > 0) {
      cache.set(identity, { result, expires: Date.now() + options.authorizerCacheTtlSeconds * 1000 });
    }
    return result;
  }

  /**
   * The built console, as CloudFront serves it: files by path, index.html for client-side routes,
   * the same Content-Security-Policy, and hashed assets cached for good.
   */
  async function serveConsole(path: string, res: ServerResponse): Promise<void> {
    const target = normalize(join(consoleRoot, decodeURIComponent(path)));
    const inside = target === consoleRoot || target.startsWith(consoleRoot + sep);
    const candidates = inside && extname(target) ? [target] : [join(consoleRoot, 'index.html')];
    for (const file of candidates) {
      let body: Buffer;
      try {
        body = await readFile(file);
      } catch {
        continue;
      }
      const html = extname(file) === '.html';
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'x-content-type-options': 'nosniff',
        'cache-control': file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        ...(html
          ? { 'content-security-policy': consoleCsp(body.toString('utf8'), [], { upgradeInsecure: false }), 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' }
          : {}),
      });
      res.end(body);
      return;
    }
    if (!extname(target)) {
      // No index.html yet: `npm start` builds the console beside the API's start-up.
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'retry-after': '2' });
      res.end('<!doctype html><meta http-equiv="refresh" content="2"><title>CloudOptima</title><p>The console is being built; this page reloads in a moment.</p>');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    // API Gateway refuses a request line plus headers over 10,240 bytes; so does the local one.
    const headerBytes = (req.url?.length ?? 0) + req.rawHeaders.reduce((n, h) => n + h.length + 2, 0);
    if (headerBytes > MAX_REQUEST_LINE_AND_HEADERS) {
      return send(res, gatewayError(413, 'REQUEST_TOO_LARGE', `The request line and headers exceed ${MAX_REQUEST_LINE_AND_HEADERS} bytes.`, requestId));
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    if (options.objects && url.pathname.startsWith(LOCAL_OBJECTS_PATH)) return putObject(options.objects, req, res, url, method, requestId);
    if (!API_PREFIXES.some((p) => url.pathname === p || url.pathname.startsWith(p))) {
      if (method !== 'GET' && method !== 'HEAD') return send(res, gatewayError(404, 'NOT_FOUND', 'Not found.', requestId));
      // Deployed, config.json (written by CDK) names the API's own origin; locally it is this one.
      if (url.pathname === '/config.json') return send(res, { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' }, body: JSON.stringify({ apiUrl: '' }) });
      return serveConsole(url.pathname, res);
    }

    const pathMatches = compiled.filter((c) => c.pattern.test(url.pathname));
    const match = pathMatches.find((c) => c.route.method === method);
    if (!match) {
      return send(res, gatewayError(404, 'NOT_FOUND', `No route ${method} ${url.pathname}.`, requestId));
    }
    const values = match.pattern.exec(url.pathname)!.slice(1);
    let pathParameters: Record<string, string>;
    try {
      pathParameters = Object.fromEntries(match.names.map((n, i) => [n, decodeURIComponent(values[i]!)]));
    } catch {
      return send(res, gatewayError(400, 'BAD_REQUEST', 'The path is not valid.', requestId));
    }

    const body = await readBody(req, maxBody);
    if (body === 'too-large') {
      return send(res, gatewayError(413, 'PAYLOAD_TOO_LARGE', `The body exceeds ${maxBody} bytes.`, requestId));
    }

    // Null-prototype maps: request-controlled names such as `toString` or `__proto__` are plain keys.
    const headers: Record<string, string> = Object.create(null);
    const multiValueHeaders: Record<string, string[]> = Object.create(null);
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!;
      const value = req.rawHeaders[i + 1]!;
      headers[name] = value;
      (multiValueHeaders[name] ??= []).push(value);
    }
    const queryStringParameters: Record<string, string> = Object.create(null);
    const multiValueQueryStringParameters: Record<string, string[]> = Object.create(null);
    for (const [key, value] of url.searchParams) {
      queryStringParameters[key] = value; // API Gateway keeps the last value here
      (multiValueQueryStringParameters[key] ??= []).push(value);
    }
    const hasQuery = url.searchParams.size > 0;
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const { route } = match;
    const stageArn = `arn:aws:execute-api:${REGION}:${ACCOUNT}:local/local`;

    let authorizerContext: Record<string, unknown> | undefined;
    if (route.access !== 'public') {
      const identity = req.headers.authorization;
      // API Gateway answers 401 itself when the identity source is missing, without calling the authorizer.
      if (!identity) return send(res, gatewayError(401, 'UNAUTHORIZED', 'Missing credentials.', requestId));
      const decision = await authorize(
        {
          type: 'REQUEST',
          methodArn: `${stageArn}/${method}${url.pathname}`,
          resource: route.path,
          path: url.pathname,
          httpMethod: method,
          headers,
          multiValueHeaders,
          pathParameters,
          queryStringParameters: hasQuery ? queryStringParameters : null,
          multiValueQueryStringParameters: hasQuery ? multiValueQueryStringParameters : null,
          stageVariables: null,
          requestContext: { requestId, httpMethod: method, resourcePath: route.path, stage: 'local' } as APIGatewayRequestAuthorizerEvent['requestContext'],
        },
        identity,
        requestId,
      );
      if ('statusCode' in decision) return send(res, decision);
      const allowed = decision.policyDocument.Statement.some(
        (s) => s.Effect === 'Allow' && 'Resource' in s && [s.Resource ?? []].flat().some((r) => matchesArn(r, `${stageArn}/${method}${url.pathname}`)),
      );
      if (!allowed) return send(res, gatewayError(403, 'ACCESS_DENIED', 'Access denied.', requestId));
      authorizerContext = { ...decision.context, principalId: decision.principalId };
    }

    const event: APIGatewayProxyEvent = {
      resource: route.path,
      path: url.pathname,
      httpMethod: method,
      headers,
      multiValueHeaders,
      queryStringParameters: hasQuery ? queryStringParameters : null,
      multiValueQueryStringParameters: hasQuery ? multiValueQueryStringParameters : null,
      pathParameters: match.names.length ? pathParameters : null,
      stageVariables: null,
      body: body.length ? body.toString('utf8') : null,
      isBase64Encoded: false,
      requestContext: {
        accountId: ACCOUNT,
        apiId: 'local',
        authorizer: authorizerContext,
        httpMethod: method,
        path: `/local${url.pathname}`,
        protocol: 'HTTP/1.1',
        requestId,
        requestTimeEpoch: Date.now(),
        resourceId: 'local',
        resourcePath: route.path,
        stage: 'local',
        identity: { sourceIp, userAgent: req.headers['user-agent'] ?? null } as APIGatewayProxyEvent['requestContext']['identity'],
      },
    };
    try {
      send(res, await options.handlers[route.domain](event, lambdaContext(`cloudoptima-${route.domain}`, requestId)));
    } catch (error) {
      // A handler that throws past its own error middleware is what API Gateway shows as a 502.
      console.error(`[gateway] ${route.domain} handler failed`, error);
      send(res, gatewayError(502, 'BAD_GATEWAY', 'The handler failed.', requestId));
    }
  }

  let inFlight = 0;
  let drained: (() => void) | undefined;
  // Node's own limit (16 KiB) would answer 431 with no envelope; take more and apply API Gateway's.
  const server = createServer({ maxHeaderSize: 1024 * 1024 }, (req, res) => {
    inFlight++;
    handle(req, res)
      .catch((error: unknown) => {
        console.error('[gateway] request failed', error);
        if (!res.headersSent) send(res, gatewayError(500, 'INTERNAL_ERROR', 'The local gateway failed.', randomUUID()));
      })
      .finally(() => {
        if (--inFlight === 0) drained?.();
      });
  });

  return {
    server,
    close: async (timeoutMs = 5000) => {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([new Promise<void>((done) => (drained = done)), new Promise((done) => setTimeout(done, timeoutMs))]);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

/** A presigned PUT to the local object store: signature, expiry and content type checked, as S3 does. */
async function putObject(objects: LocalObjectStore, req: IncomingMessage, res: ServerResponse, url: URL, method: string, requestId: string) {
  let key: string;
  try {
    key = url.pathname.slice(LOCAL_OBJECTS_PATH.length).split('/').map(decodeURIComponent).join('/');
  } catch {
    return send(res, gatewayError(400, 'BAD_REQUEST', 'The object key is not valid.', requestId));
  }
  const contentType = req.headers['content-type'] ?? '';
  if (method !== 'PUT' || !objects.verifyPut(key, url.searchParams.get('expires'), url.searchParams.get('signature'), contentType)) {
    return send(res, gatewayError(403, 'ACCESS_DENIED', 'The upload URL is not valid, has expired, or was used with another content type.', requestId));
  }
  try {
    await objects.writeStream(key, req, MAX_UPLOAD_BYTES);
  } catch (error) {
    return send(res, gatewayError(413, 'REQUEST_TOO_LARGE', (error as Error).message, requestId));
  }
  res.writeHead(200, { 'x-request-id': requestId });
  res.end();
}

/** S3 takes 5 GB in one PUT; the local store takes as much as the demo and benchmarks need. */
const MAX_UPLOAD_BYTES = 5 * 1024 ** 3;

/** IAM-style ARN match with `*` wildcards, as API Gateway evaluates the authorizer's policy. */
function matchesArn(pattern: string, arn: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(arn);
}
