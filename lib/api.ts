import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ROUTES } from '#shared/contracts/routes.js';
import { SECURITY_HEADERS } from '#shared/http/response.js';
import { type AnyRoute, DOMAINS, type Domain } from '#shared/http/route.js';
import type { Functions } from './functions.js';
import { API_LIMITS } from './limits.js';
import { acknowledge } from './nag.js';
import { LOG_RETENTION } from './observability.js';
import { requestModelSchema } from './request-models.js';

/** Paths already start with /v1, so the stage name only has to be short. */
export const STAGE_NAME = 'api';

/** Seconds API Gateway caches the authorizer's answer: the README's revocation bound. */
export const AUTHORIZER_CACHE_TTL = Duration.seconds(60);

/** Headers the console may send cross-origin. */
export const CORS_ALLOW_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key'];

/** One JSON line per request; the tenant comes from the authorizer, like everything downstream. */
const ACCESS_LOG = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  method: '$context.httpMethod',
  path: '$context.path',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integration.latency',
  responseLength: '$context.responseLength',
  tenantId: '$context.authorizer.tenantId',
  principalId: '$context.authorizer.principalId',
  // What execution logs would add, for failures only: who refused the request and why.
  errorType: '$context.error.responseType',
  error: '$context.error.message',
  authorizerError: '$context.authorizer.error',
  integrationError: '$context.integration.error',
  wafResponseCode: '$context.wafResponseCode',
};

interface GatewayEnvelope {
  type: apigw.ResponseType;
  /** Omitted: keep the status API Gateway chose. */
  status?: string;
  /** The envelope's `code`; may be a `$context` variable. */
  code: string;
  /** A fixed message; omitted: API Gateway's own (`$context.error.messageString`). */
  message?: string;
  /** A raw template fragment for `details`; omitted: null. */
  details?: string;
}

/**
 * API Gateway's own answers (refused before any handler runs), in the handlers' error envelope
 * `{"error": {code, message, details, requestId}}`, with the handlers' codes for the same cases.
 */
const GATEWAY_RESPONSES: readonly GatewayEnvelope[] = [
  { type: apigw.ResponseType.DEFAULT_4XX, code: '$context.error.responseType' },
  { type: apigw.ResponseType.DEFAULT_5XX, code: 'INTERNAL_ERROR' },
  { type: apigw.ResponseType.UNAUTHORIZED, status: '401', code: 'UNAUTHORIZED' },
  { type: apigw.ResponseType.ACCESS_DENIED, status: '403', code: 'FORBIDDEN' },
  { type: apigw.ResponseType.THROTTLED, status: '429', code: 'TOO_MANY_REQUESTS' },
  { type: apigw.ResponseType.QUOTA_EXCEEDED, status: '429', code: 'QUOTA_EXCEEDED' },
  {
    type: apigw.ResponseType.BAD_REQUEST_BODY,
    status: '400',
    code: 'VALIDATION_ERROR',
    message: 'The request body does not match the schema.',
    details: '[{"field":"body","message":"$context.error.validationErrorString"}]',
  },
  { type: apigw.ResponseType.BAD_REQUEST_PARAMETERS, status: '400', code: 'VALIDATION_ERROR' },
  // What API Gateway answers for a path or method it has no route for.
  {
    type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
    status: '404',
    code: 'NOT_FOUND',
    message: 'No route matches this method and path.',
  },
  { type: apigw.ResponseType.REQUEST_TOO_LARGE, status: '413', code: 'PAYLOAD_TOO_LARGE' },
  { type: apigw.ResponseType.INTEGRATION_TIMEOUT, status: '504', code: 'TIMEOUT' },
];

function envelopeTemplate({ code, message, details }: GatewayEnvelope): string {
  const text = message === undefined ? '$context.error.messageString' : JSON.stringify(message);
  return `{"error":{"code":"${code}","message":${text},"details":${details ?? 'null'},"requestId":"$context.requestId"}}`;
}

export interface ApiProps {
  functions: Functions;
  /** The only origin allowed to call the API from a browser. */
  consoleOrigin: string;
}

/**
 * The REST API, built from the route table (shared/contracts/routes.ts): one Lambda per domain,
 * one REQUEST authorizer for every non-public route, request models from the routes' zod schemas.
 * A route added to the table is deployed with no change here.
 */
export class Api extends Construct {
  readonly restApi: apigw.RestApi;
  /** `https://<id>.execute-api.<region>.<suffix>`: what the console's CSP lets it call. */
  readonly origin: string;
  /** The base URL clients append route paths to (`<url>/v1/me`). */
  readonly url: string;
  readonly accessLogs: logs.LogGroup;
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, { functions, consoleOrigin }: ApiProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: LOG_RETENTION });
    this.restApi = new apigw.RestApi(this, 'RestApi', {
      // API Gateway metrics are keyed by name: the stack's keeps two installs apart.
      restApiName: Aws.STACK_NAME,
      description: 'CloudOptima REST API (from shared/contracts/routes.ts)',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // Execution logging needs an account-wide API Gateway role; the access log carries the errors instead.
      cloudWatchRole: false,
      deployOptions: {
        stageName: STAGE_NAME,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG)),
        tracingEnabled: true,
        dataTraceEnabled: false,
        throttlingRateLimit: API_LIMITS.stageRatePerSecond,
        throttlingBurstLimit: API_LIMITS.stageBurst,
      },
    });
    this.origin = `https://${this.restApi.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    this.url = `${this.origin}/${this.restApi.deploymentStage.stageName}`;

    const authorizer = new apigw.RequestAuthorizer(this, 'Authorizer', {
      authorizerName: 'cloudoptima',
      handler: functions.byName.authorizer,
      identitySources: [apigw.IdentitySource.header('Authorization')],
      resultsCacheTtl: AUTHORIZER_CACHE_TTL,
    });
    const validator = new apigw.RequestValidator(this, 'Validator', {
      restApi: this.restApi,
      requestValidatorName: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    // One integration per domain; one invoke permission per function for the whole API, not one per route.
    const integrations = Object.fromEntries(
      DOMAINS.map((domain) => [
        domain,
        new apigw.LambdaIntegration(functions.byName[domain], { scopePermissionToMethod: false }),
      ]),
    ) as Record<Domain, apigw.LambdaIntegration>;

    for (const route of ROUTES) {
      const resource = this.restApi.root.resourceForPath(route.path);
      const method = resource.addMethod(route.method, integrations[route.domain], {
        operationName: route.operationId,
        ...(route.access === 'public'
          ? { authorizationType: apigw.AuthorizationType.NONE }
          : { authorizer, authorizationType: apigw.AuthorizationType.CUSTOM }),
        requestValidator: validator,
        requestParameters: Object.fromEntries(pathParameters(route).map((name) => [`method.request.path.${name}`, true])),
        ...(route.body ? { requestModels: { 'application/json': this.model(route) } } : {}),
      });
      if (route.access === 'public') {
        acknowledge(
          method,
          'AwsSolutions-APIG4',
          `${route.method} ${route.path} is public in the route table ("${route.summary}"): it serves callers ` +
            'before they hold credentials; WAF and stage throttling bound it, and the handler validates every input.',
        );
      }
    }

    // Preflight per resource, listing only the methods the route table gives that path.
    for (const [path, methods] of methodsByPath()) {
      this.restApi.root.resourceForPath(path).addCorsPreflight({
        allowOrigins: [consoleOrigin],
        allowHeaders: CORS_ALLOW_HEADERS,
        allowMethods: methods,
        maxAge: Duration.hours(1),
      });
    }

    // The console must be able to read API Gateway's own errors too, so they carry the CORS origin.
    const headers: Record<string, string> = { 'Access-Control-Allow-Origin': `'${consoleOrigin}'` };
    // Static header values are single-quoted and cannot contain a quote (the CSP's 'none'): those stay handler-only.
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!value.includes("'")) headers[name] = `'${value}'`;
    for (const response of GATEWAY_RESPONSES) {
      this.restApi.addGatewayResponse(`Gateway-${response.type.responseType}`, {
        type: response.type,
        ...(response.status ? { statusCode: response.status } : {}),
        responseHeaders: headers,
        templates: { 'application/json': envelopeTemplate(response) },
      });
    }

    this.webAcl = this.firewall();

    acknowledge(
      this.restApi,
      'AwsSolutions-COG4',
      'Protected routes use one Lambda REQUEST authorizer, not a Cognito authorizer: it also accepts API keys ' +
        '(Authorization: ApiKey) and refuses signed-out sessions and removed users, which a Cognito authorizer cannot.',
    );
    acknowledge(
      this.restApi.deploymentStage,
      'AwsSolutions-APIG6',
      'Execution logging needs the account-wide API Gateway CloudWatch role, which a one-click install would overwrite; ' +
        'the JSON access log records every request with the authorizer, integration and WAF errors instead.',
    );
  }

  private model(route: AnyRoute): apigw.Model {
    const name = route.operationId.charAt(0).toUpperCase() + route.operationId.slice(1);
    return this.restApi.addModel(`${name}Body`, {
      modelName: `${name}Body`,
      contentType: 'application/json',
      schema: requestModelSchema(route.body!),
    });
  }

  /** AWS WAF on the stage: AWS managed rules plus a per-IP rate limit answering in our envelope. */
  private firewall(): wafv2.CfnWebACL {
    const visibility = (metricName: string) => ({ metricName, cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true });
    const managed = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesAmazonIpReputationList'];
    const acl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('cloudoptima-api'),
      customResponseBodies: {
        TooManyRequests: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            error: { code: 'TOO_MANY_REQUESTS', message: 'Too many requests from this address; slow down.', details: null, requestId: null },
          }),
        },
      },
      rules: [
        ...managed.map((name, priority) => ({
          name,
          priority,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
          visibilityConfig: visibility(name),
        })),
        {
          name: 'RateLimitPerIp',
          priority: managed.length,
          action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'TooManyRequests' } } },
          statement: {
            rateBasedStatement: { limit: API_LIMITS.perIpPer5Minutes, aggregateKeyType: 'IP', evaluationWindowSec: 300 },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.restApi.deploymentStage.stageArn,
      webAclArn: acl.attrArn,
    });
    return acl;
  }
}

const pathParameters = (route: AnyRoute): string[] => [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

function methodsByPath(): Map<string, string[]> {
  const byPath = new Map<string, string[]>();
  for (const route of ROUTES) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route.method]);
  return byPath;
}
