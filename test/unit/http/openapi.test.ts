import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/server/config';
import type { Database } from '../../../src/server/db/port';
import { createApp } from '../../../src/server/http/app';

// The document is built from the route table alone; no query reaches this stand-in.
const noDatabase = {} as Database;

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document that describes every route', async () => {
    const { app, routes } = createApp({ config: loadConfig({}), db: noDatabase, clock: () => new Date() });
    const doc = (await (await app.request('/api/v1/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator does refuse a broken document, so the check above means something.
    const broken = await new Validator().validate({ openapi: '3.1.0', info: {}, paths: { x: 1 } });
    expect(broken.valid).toBe(false);
    expect(doc.openapi).toBe('3.1.0');
    for (const route of routes) {
      expect(
        doc.paths[route.spec.path]?.[route.spec.method],
        `${route.spec.method} ${route.spec.path}`,
      ).toBeTruthy();
    }
  });
});
