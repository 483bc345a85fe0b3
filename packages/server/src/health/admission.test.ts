/**
 * Admission control on a bare Fastify instance: past the in-flight cap or the event-loop delay,
 * new requests are shed at once with 503 `overloaded` and Retry-After; the health check is always
 * answered; capacity comes back as requests finish.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../errors/handler.js';
import { OVERLOAD_RETRY_AFTER_S, registerAdmissionControl } from './admission.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function server(options: Parameters<typeof registerAdmissionControl>[1]) {
  const instance = Fastify();
  registerAdmissionControl(instance, options);
  registerErrorHandling(instance);
  const waiting: (() => void)[] = [];
  instance.get('/slow', () => new Promise<string>((done) => waiting.push(() => done('ok'))));
  instance.get('/fast', async () => 'ok');
  instance.get('/healthz', async () => ({ status: 'ok' }));
  app = instance;
  const finishAll = () => {
    for (const finish of waiting.splice(0)) finish();
  };
  return { instance, finishAll };
}

describe('admission control', () => {
  it('sheds requests past the in-flight cap with 503 and Retry-After, and admits again when one finishes', async () => {
    const { instance, finishAll } = server({ maxInFlight: 2, maxEventLoopDelayMs: 0 });
    const slow = [instance.inject('/slow'), instance.inject('/slow')];
    await new Promise((r) => setImmediate(r));
    const shed = await instance.inject('/fast');
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['retry-after']).toBe(String(OVERLOAD_RETRY_AFTER_S));
    expect(shed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(shed.json()).toMatchObject({ code: 'overloaded', status: 503 });
    // The health check still answers: busy is not dead.
    expect((await instance.inject('/healthz')).statusCode).toBe(200);
    finishAll();
    expect((await Promise.all(slow)).map((r) => r.statusCode)).toEqual([200, 200]);
    expect((await instance.inject('/fast')).statusCode).toBe(200);
  });

  it('sheds while the event loop is saturated, and not once it recovers', async () => {
    let delay = 800;
    const { instance } = server({ maxInFlight: 100, maxEventLoopDelayMs: 500, eventLoopDelayMs: () => delay });
    expect((await instance.inject('/fast')).statusCode).toBe(503);
    delay = 20;
    expect((await instance.inject('/fast')).statusCode).toBe(200);
  });

  it('a refused request does not hold a place: the cap counts only admitted ones', async () => {
    const { instance, finishAll } = server({ maxInFlight: 1, maxEventLoopDelayMs: 0 });
    const first = instance.inject('/slow');
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 5; i++) expect((await instance.inject('/fast')).statusCode).toBe(503);
    finishAll();
    await first;
    expect((await instance.inject('/fast')).statusCode).toBe(200);
  });
});
