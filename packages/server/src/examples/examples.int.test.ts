import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config/config.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../db/testing.js';
import { DIABETES_DIARY_PATH } from './index.js';

describe.each(testDatabases())('example apps on $label', (target) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(target);
  });
  afterAll(async () => {
    await t.dispose();
  });

  it.each([
    [true, 200],
    [false, 404],
  ])('are served when sandbox is %s: %d', async (sandbox, status) => {
    const config = loadConfig(
      { NODE_ENV: 'test' },
      { databaseUrl: t.url, publicUrl: 'http://localhost:3999', sandbox },
    );
    const app = await buildApp({ config, db: t.db });
    try {
      const res = await app.inject(`${DIABETES_DIARY_PATH}/config.json`);
      expect(res.statusCode).toBe(status);
      if (sandbox) expect(res.json().redirectUri).toBe('http://localhost:3999/examples/diabetes-diary/callback');
    } finally {
      await app.close();
    }
  });
});
