import { z } from 'zod';
import { permissionOf, type RegisteredRoute } from './api-router';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType): JsonSchema {
  // The request side of each schema (io: 'input') is what a client sends; transforms cannot be
  // described, so they appear as their input type.
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'field'],
      properties: {
        code: { type: 'string', examples: ['invalid_request'] },
        message: { type: 'string' },
        field: { type: ['string', 'null'], description: 'The offending field, dotted path' },
      },
    },
  },
};

function parametersOf(route: RegisteredRoute): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', route.spec.params],
    ['query', route.spec.query],
  ] as const) {
    if (!schema) continue;
    const json = toSchema(schema);
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries(properties)) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: property });
    }
    if (where === 'query' && json.additionalProperties) {
      out.push({
        name: 'attr.{name}',
        in: 'query',
        required: false,
        description:
          'Filter on an attribute of the response snapshot, e.g. attr.plan=pro or attr.account.tier=gold',
        schema: { type: 'string' },
      });
    }
  }
  return out;
}

/** The OpenAPI 3.1 document of every registered route, from the schemas that validate them. */
export function buildOpenApiDocument(routes: readonly RegisteredRoute[], options: { serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const { spec } = route;
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      tags: [spec.tag],
      operationId: `${spec.method}${spec.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string) => (ch ? ch.toUpperCase() : ''))}`,
      security: spec.access === 'public' ? [] : [{ bearerAuth: [] }, { sessionCookie: [] }],
      'x-plaudit-permission': permissionOf(spec),
      parameters: parametersOf(route),
      responses: {
        ...Object.fromEntries(
          Object.entries(spec.responses).map(([status, r]) => [
            status,
            {
              description: r.description,
              ...(r.schema || r.contentType
                ? {
                    content: {
                      [r.contentType ?? 'application/json']: r.schema ? { schema: toSchema(r.schema) } : {},
                    },
                  }
                : {}),
            },
          ]),
        ),
        '4XX': {
          description: 'Bad request',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    };
    if (spec.body) {
      operation.requestBody = {
        required: true,
        content:
          spec.bodyType === 'csv'
            ? { 'text/csv': { schema: { type: 'string' } } }
            : { 'application/json': { schema: toSchema(spec.body) } },
      };
    }
    const path = paths[spec.path] ?? {};
    path[spec.method] = operation;
    paths[spec.path] = path;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Plaudit API',
      version: '1',
      description:
        'Net Promoter Score surveys, responses and metrics. Authenticate with `Authorization: Bearer plk_…`.',
    },
    servers: [{ url: options.serverUrl }],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'A secret API key plk_… (acts as admin)' },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'plaudit_session',
          description:
            'A dashboard session (POST /auth/sign-in); state-changing requests also send its csrf_token as X-CSRF-Token',
        },
      },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
