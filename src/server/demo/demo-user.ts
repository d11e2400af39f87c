/**
 * The demo user of `plaudit serve --demo`: an owner of the oldest workspace (the demo one), with
 * a new random password at every demo start, printed with the URL, so the printed credentials
 * always work and no fixed password exists on an installation someone forgot was a demo.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_SCRYPT, hashPassword } from '../auth/passwords';
import type { Database } from '../db/port';
import { addMembership, createUser, findDemoUser, updateUser } from '../repo/users';

export const DEMO_EMAIL = 'demo@example.com';

export async function ensureDemoUser(
  db: Database,
  passwordCost: number,
): Promise<{ email: string; password: string }> {
  const password = randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(password, { ...DEFAULT_SCRYPT, N: 2 ** passwordCost });
  await db.transaction(async (tx) => {
    const existing = await findDemoUser(tx);
    if (existing) {
      await updateUser(tx, existing.id, { password_hash: passwordHash });
      return;
    }
    const [workspace] = await tx.query<{ id: string }>(
      'SELECT id FROM workspace ORDER BY created_at, id LIMIT 1',
    );
    if (!workspace) throw new Error('the demo user needs the demo workspace');
    const user = await createUser(tx, {
      email: DEMO_EMAIL,
      name: 'Demo',
      password_hash: passwordHash,
      locale: null,
      is_demo: true,
    });
    await addMembership(tx, workspace.id, user.id, 'owner');
  });
  return { email: DEMO_EMAIL, password };
}
