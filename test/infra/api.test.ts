import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ROUTES } from '#shared/contracts/routes.js';
import { SECURITY_HEADERS } from '#shared/http/response.js';
import { CORS_ALLOW_HEADERS, STAGE_NAME } from '../../lib/api.js';
import { API_LIMITS } from '../../lib/limits.js';
import { type Synthesized, refOf, resourcePaths, resourcesOf, synthesize } from './synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

interface MethodProps {
  HttpMethod: string;
  ResourceId: unknown;
  AuthorizationType: string;
  AuthorizerId?: unknown;
  OperationName?: string;
  RequestValidatorId?: unknown;
  RequestModels?: Record<string, unknown>;
  RequestParameters?: Record<string, boolean>;
  Integration: { Type: string; Uri?: unknown; IntegrationResponses?: { ResponseParameters?: Record<string, unknown> }[] };
}

function methods() {
  const paths = resourcePaths(s.template);
  return Object.values(resourcesOf(s.template, 'AWS::ApiGateway::Method')).map((m) => {
    const props = m.Properties as unknown as MethodProps;
    return { ...props, path: paths.get(refOf(props.ResourceId) ?? '') ?? '/' };
  });
}

const methodFor = (method: string, path: string) => {
  const found = methods().filter((m) => m.HttpMethod === method && m.path === path);
  expect(found, `${method} ${path}`).toHaveLength(1);
  return found[0]!;
};

/** Lambda logical id -> the function's name (its POWERTOOLS_SERVICE_NAME). */
function functionNamesById(): Map<string, string> {
  const fns = resourcesOf(s.template, 'AWS::Lambda::Function');
  return new Map(
    Object.entries(fns).flatMap(([id, fn]) => {
      const name = (fn.Properties!.Environment as { Variables?: Record<string, string> } | undefined)?.Variables?.POWERTOOLS_SERVICE_NAME;
      return name ? [[id, name] as const] : [];
    }),
  );
}

/** The single logical id `Fn::GetAtt` points at anywhere inside a value. */
function getAttTarget(value: unknown): string | undefined {
  const match = JSON.stringify(value).match(/"Fn::GetAtt":\["([^"]+)","Arn"\]/);
  return match?.[1];
}

describe('the REST API is the route table', () => {
  it('has every route as a method on its path, and nothing else but CORS preflights', () => {
    const authorizers = Object.keys(resourcesOf(s.template, 'AWS::ApiGateway::Authorizer'));
    expect(authorizers).toHaveLength(1);
    for (const route of ROUTES) {
      const method = methodFor(route.method, route.path);
      expect(method.OperationName).toBe(route.operationId);
      if (route.access === 'public') {
        expect(method.AuthorizationType, `${route.operationId} is public`).toBe('NONE');
        expect(method.AuthorizerId).toBeUndefined();
      } else {
        expect(method.AuthorizationType, `${route.operationId} needs the authorizer`).toBe('CUSTOM');
        expect(refOf(method.AuthorizerId)).toBe(authorizers[0]);
      }
    }
    const others = methods().filter((m) => m.HttpMethod !== 'OPTIONS');
    expect(others).toHaveLength(ROUTES.length);
  });

  it("sends each route to its domain's function through a Lambda proxy integration", () => {
    const names = functionNamesById();
    for (const route of ROUTES) {
      const { Integration } = methodFor(route.method, route.path);
      expect(Integration.Type).toBe('AWS_PROXY');
      expect(names.get(getAttTarget(Integration.Uri) ?? ''), route.operationId).toBe(route.domain);
    }
  });

  it('serves the billing routes (uploads, ingestions) from the billing function, behind the authorizer', () => {
    const billing = ROUTES.filter((route) => route.path.startsWith('/v1/billing/'));
    expect(billing.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['POST /v1/billing/uploads', 'POST /v1/billing/ingestions', 'GET /v1/billing/ingestions/{id}']),
    );
    const names = functionNamesById();
    for (const route of billing) {
      const method = methodFor(route.method, route.path);
      expect(names.get(getAttTarget(method.Integration.Uri) ?? ''), route.operationId).toBe('billing');
      expect(method.AuthorizationType, route.operationId).toBe('CUSTOM');
    }
  });

  it('authorizes with the authorizer function, per Authorization header, cached 60 s at most', () => {
    const [authorizer] = Object.values(resourcesOf(s.template, 'AWS::ApiGateway::Authorizer'));
    const props = authorizer!.Properties!;
    expect(props.Type).toBe('REQUEST');
    expect(props.IdentitySource).toBe('method.request.header.Authorization');
    expect(props.AuthorizerResultTtlInSeconds).toBeLessThanOrEqual(60);
    expect(functionNamesById().get(getAttTarget(props.AuthorizerUri) ?? '')).toBe('authorizer');
  });

  it('validates bodies against draft-4 models from the zod schemas, and requires path parameters', () => {
    const validators = resourcesOf(s.template, 'AWS::ApiGateway::RequestValidator');
    const [validatorId, validator] = Object.entries(validators)[0]!;
    expect(validator.Properties).toMatchObject({ ValidateRequestBody: true, ValidateRequestParameters: true });
    const models = resourcesOf(s.template, 'AWS::ApiGateway::Model');

    for (const route of ROUTES) {
      const method = methodFor(route.method, route.path);
      expect(refOf(method.RequestValidatorId)).toBe(validatorId);
      for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
        expect(method.RequestParameters?.[`method.request.path.${name.slice(1, -1)}`], `${route.operationId} ${name}`).toBe(true);
      }
      if (!route.body) {
        expect(method.RequestModels).toBeUndefined();
        continue;
      }
      const model = models[refOf(method.RequestModels?.['application/json']) ?? ''];
      expect(model, `${route.operationId} has a body model`).toBeDefined();
      const schema = model!.Properties!.Schema as Record<string, unknown>;
      const fromZod = z.toJSONSchema(route.body, { target: 'draft-4', io: 'input' }) as Record<string, unknown>;
      expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
      expect(schema.type).toBe('object');
      expect(schema.required ?? []).toEqual(fromZod.required ?? []);
      expect(Object.keys(schema.properties as object)).toEqual(Object.keys(fromZod.properties as object));
      expect(schema.additionalProperties).toBe(fromZod.additionalProperties);
    }
  });

  it('keeps models to the draft-4 vocabulary API Gateway accepts', () => {
    const allowed = new Set([
      '$schema', 'title', 'description', 'default', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum',
      'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'additionalItems', 'items', 'maxItems', 'minItems',
      'uniqueItems', 'maxProperties', 'minProperties', 'required', 'additionalProperties', 'properties',
      'patternProperties', 'dependencies', 'enum', 'type', 'allOf', 'anyOf', 'oneOf', 'not',
    ]);
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
      if (!node || typeof node !== 'object') return;
      for (const [keyword, value] of Object.entries(node)) {
        expect(allowed.has(keyword), `${where}.${keyword}`).toBe(true);
        if (keyword === 'properties') for (const [name, sub] of Object.entries(value as object)) walk(sub, `${where}.${name}`);
        else if (!['enum', 'required', 'type', 'default'].includes(keyword)) walk(value, `${where}.${keyword}`);
      }
    };
    for (const [id, model] of Object.entries(resourcesOf(s.template, 'AWS::ApiGateway::Model'))) walk(model.Properties!.Schema, id);
  });
});

describe('gateway responses', () => {
  const expected = [
    // The defaults keep the status API Gateway chose (WAF_FILTERED stays 403, AUTHORIZER_FAILURE 500).
    { type: 'DEFAULT_4XX', status: undefined, code: '$context.error.responseType' },
    { type: 'DEFAULT_5XX', status: undefined, code: 'INTERNAL_ERROR' },
    { type: 'UNAUTHORIZED', status: '401', code: 'UNAUTHORIZED' },
    { type: 'ACCESS_DENIED', status: '403', code: 'FORBIDDEN' },
    { type: 'THROTTLED', status: '429', code: 'TOO_MANY_REQUESTS' },
    { type: 'QUOTA_EXCEEDED', status: '429', code: 'QUOTA_EXCEEDED' },
    { type: 'BAD_REQUEST_BODY', status: '400', code: 'VALIDATION_ERROR' },
    { type: 'BAD_REQUEST_PARAMETERS', status: '400', code: 'VALIDATION_ERROR' },
    { type: 'MISSING_AUTHENTICATION_TOKEN', status: '404', code: 'NOT_FOUND' },
    { type: 'REQUEST_TOO_LARGE', status: '413', code: 'PAYLOAD_TOO_LARGE' },
    { type: 'INTEGRATION_TIMEOUT', status: '504', code: 'TIMEOUT' },
  ];

  /** What API Gateway would send, with its variables filled in the way it fills them. */
  const render = (template: string) =>
    JSON.parse(
      template
        .replaceAll('$context.error.messageString', '"Unauthorized"')
        .replaceAll('$context.error.validationErrorString', 'object has missing required properties')
        .replaceAll('$context.error.responseType', 'WAF_FILTERED')
        .replaceAll('$context.requestId', 'req-1'),
    ) as { error: Record<string, unknown> };

  it.each(expected)('$type answers with code $code in the error envelope', ({ type, status, code }) => {
    const found = Object.values(resourcesOf(s.template, 'AWS::ApiGateway::GatewayResponse')).filter(
      (r) => r.Properties!.ResponseType === type,
    );
    expect(found).toHaveLength(1);
    const props = found[0]!.Properties as { StatusCode?: string; ResponseTemplates: Record<string, string>; ResponseParameters: Record<string, unknown> };
    expect(props.StatusCode).toBe(status);
    const template = props.ResponseTemplates['application/json']!;
    expect(template).toContain(`"code":"${code}"`);
    const body = render(template);
    expect(Object.keys(body.error)).toEqual(['code', 'message', 'details', 'requestId']);
    expect(body.error.requestId).toBe('req-1');
    if (type === 'BAD_REQUEST_BODY') expect(body.error.details).toEqual([{ field: 'body', message: 'object has missing required properties' }]);

    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!value.includes("'")) expect(props.ResponseParameters[`gatewayresponse.header.${name}`]).toBe(`'${value}'`);
    }
    expect(JSON.stringify(props.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin'])).toMatch(/ConsoleDistribution\w+","DomainName"/);
  });
});

describe('stage, CORS and firewall', () => {
  it('allows the console origin only, with our headers', () => {
    const preflights = methods().filter((m) => m.HttpMethod === 'OPTIONS');
    expect(preflights.length).toBe(new Set(ROUTES.map((r) => r.path)).size);
    for (const preflight of preflights) {
      const headers = preflight.Integration.IntegrationResponses![0]!.ResponseParameters!;
      const origin = JSON.stringify(headers['method.response.header.Access-Control-Allow-Origin']);
      expect(origin).not.toContain("'*'");
      expect(origin).toMatch(/"'https:\/\/",\{"Fn::GetAtt":\["ConsoleDistribution\w+","DomainName"\]\},"'"/);
      expect(headers['method.response.header.Access-Control-Allow-Headers']).toBe(`'${CORS_ALLOW_HEADERS.join(',')}'`);
      const allowed = String(headers['method.response.header.Access-Control-Allow-Methods']).replaceAll("'", '').split(',');
      const routed = ROUTES.filter((r) => r.path === preflight.path).map((r) => r.method);
      expect(allowed.sort()).toEqual(routed.sort());
    }
  });

  it('logs every request as JSON with the tenant, throttles, traces, and never logs payloads', () => {
    const [stage] = Object.values(resourcesOf(s.template, 'AWS::ApiGateway::Stage'));
    const props = stage!.Properties as {
      StageName: string;
      TracingEnabled: boolean;
      AccessLogSetting: { DestinationArn: unknown; Format: string };
      MethodSettings: Record<string, unknown>[];
    };
    expect(props.StageName).toBe(STAGE_NAME);
    expect(props.TracingEnabled).toBe(true);
    const format = JSON.parse(props.AccessLogSetting.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      method: '$context.httpMethod',
      path: '$context.path',
      status: '$context.status',
      latency: '$context.responseLatency',
      tenantId: '$context.authorizer.tenantId',
    });
    expect(JSON.stringify(props.AccessLogSetting.DestinationArn)).toMatch(/:log-group:",\{"Ref":"ApiAccessLogs\w+"\}/);
    expect(props.MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        DataTraceEnabled: false,
        ThrottlingRateLimit: API_LIMITS.stageRatePerSecond,
        ThrottlingBurstLimit: API_LIMITS.stageBurst,
      }),
    ]);
  });

  it('puts a regional AWS WAF web ACL with managed rules and a per-IP rate limit on the stage', () => {
    const acls = Object.entries(resourcesOf(s.template, 'AWS::WAFv2::WebACL'));
    expect(acls).toHaveLength(1);
    const [aclId, acl] = acls[0]!;
    const props = acl.Properties as { Scope: string; Rules: { Name: string; Statement: Record<string, { Name?: string; Limit?: number; AggregateKeyType?: string }> }[] };
    expect(props.Scope).toBe('REGIONAL');
    const managed = props.Rules.flatMap((r) => r.Statement.ManagedRuleGroupStatement?.Name ?? []);
    expect(managed).toEqual(
      expect.arrayContaining(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesAmazonIpReputationList']),
    );
    const rate = props.Rules.find((r) => r.Statement.RateBasedStatement)?.Statement.RateBasedStatement;
    expect(rate).toMatchObject({ Limit: API_LIMITS.perIpPer5Minutes, AggregateKeyType: 'IP' });

    const [association] = Object.values(resourcesOf(s.template, 'AWS::WAFv2::WebACLAssociation'));
    expect(refOf(association!.Properties!.WebACLArn)).toBe(aclId);
    const stageId = Object.keys(resourcesOf(s.template, 'AWS::ApiGateway::Stage'))[0]!;
    expect(JSON.stringify(association!.Properties!.ResourceArn)).toContain(`{"Ref":"${stageId}"}`);
  });
});
