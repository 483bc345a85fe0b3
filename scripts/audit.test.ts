import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { verdict } from './audit.mjs';

describe('the CI dependency audit', () => {
  it('fails on a high or critical advisory, naming the package', () => {
    const report = {
      vulnerabilities: {
        'fast-xml': { severity: 'critical', range: '<4.2.5' },
        lodash: { severity: 'moderate', range: '*' },
      },
      metadata: { vulnerabilities: { critical: 1, moderate: 1 } },
    };
    expect(verdict(JSON.stringify(report), '')).toEqual({
      fail: true,
      lines: ['npm audit: 1 package(s) with a high or critical advisory:', '  fast-xml (critical): <4.2.5'],
    });
  });

  it('passes with moderate advisories only, counting them', () => {
    const report = {
      vulnerabilities: { lodash: { severity: 'moderate' } },
      metadata: { vulnerabilities: { moderate: 1 } },
    };
    expect(verdict(JSON.stringify(report), '')).toEqual({
      fail: false,
      lines: ['npm audit: no high or critical advisory (1 moderate, 0 low, 0 info)'],
    });
  });

  it('says plainly when the advisory service cannot be asked (a registry that allows downloads only)', () => {
    const answer = verdict(JSON.stringify({ statusCode: 405, message: '405 Method Not Allowed' }), '');
    expect(answer.fail).toBe(false);
    expect(answer.lines[0]).toContain('cannot be reached from here (HTTP 405); dependencies not checked');
  });
});
