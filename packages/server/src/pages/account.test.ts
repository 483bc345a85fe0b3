import { describe, expect, it } from 'vitest';
import { accountBar, maskNationalIdAsNhi } from './account.js';

describe('the signed-in citizen in the header', () => {
  it('masks the national ID as NHI does: first six kept', () => {
    expect(maskNationalIdAsNhi('A123456789')).toBe('A12345****');
    expect(maskNationalIdAsNhi('AB12345678')).toBe('AB1234****');
    expect(maskNationalIdAsNhi('not an id')).toBe('**********');
  });

  it('shows the name and the masked ID, never the ID, with its POST form', () => {
    const bar = accountBar({
      locale: 'zh-TW',
      name: '林<雅雯>',
      nationalId: 'A299991011',
      action: { href: '/me/signout', label: '登出', csrf: 'tok' },
    }).value;
    expect(bar).toContain('已登入：林&lt;雅雯&gt;（身分證號 A29999****）');
    expect(bar).not.toContain('A299991011');
    expect(bar).toMatch(/<form method="post" action="\/me\/signout">\s*<input type="hidden" name="_csrf" value="tok">/);
  });
});
