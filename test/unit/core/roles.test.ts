import { describe, expect, it } from 'vitest';
import { can, defaultPermission, mayAssign, PERMISSIONS, ROLES } from '../../../src/core/roles';

describe('roles', () => {
  it('gives each role exactly its permissions and those below', () => {
    const table = Object.fromEntries(ROLES.map((r) => [r, PERMISSIONS.filter((p) => can(r, p))]));
    expect(table).toEqual({
      viewer: ['read'],
      member: ['read', 'respond'],
      admin: ['read', 'respond', 'manage'],
      owner: ['read', 'respond', 'manage', 'own'],
    });
  });

  it('lets admins handle everyone but owners, owners everyone, others no one', () => {
    for (const actor of ROLES) {
      for (const target of ROLES) {
        for (const current of [undefined, ...ROLES]) {
          const expected =
            actor === 'owner' || (actor === 'admin' && target !== 'owner' && current !== 'owner');
          expect(mayAssign(actor, target, current), `${actor} → ${target} (was ${current})`).toBe(expected);
        }
      }
    }
  });

  it('reads with GET and manages with anything else by default', () => {
    expect(defaultPermission('get')).toBe('read');
    expect(defaultPermission('GET')).toBe('read');
    for (const m of ['post', 'put', 'patch', 'delete']) expect(defaultPermission(m)).toBe('manage');
  });
});
