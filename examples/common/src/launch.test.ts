import { describe, expect, it } from 'vitest';
import { launch } from './launch.js';

describe('starting an example backend', () => {
  const example = {
    name: 'x',
    defaultPort: 0,
    sandboxKey: {},
    staff: [],
    openDatabase: () => {
      throw new Error('must not be reached');
    },
    build: () => {
      throw new Error('must not be reached');
    },
  };

  it('refuses production with the sandbox key, key file or password, before opening anything', async () => {
    await expect(
      launch(example, { HEALTHBANK_ISSUER: 'https://hb.example', NODE_ENV: 'production' }, '/nonexistent'),
    ).rejects.toThrow(
      'in production EXAMPLE_KEK, EXAMPLE_CLIENT_KEY, EXAMPLE_STAFF_PASSWORD, EXAMPLE_PUBLIC_URL must be set',
    );
  });

  it('needs the platform it talks to', async () => {
    await expect(launch(example, {}, '/nonexistent')).rejects.toThrow('HEALTHBANK_ISSUER is required');
  });
});
