/**
 * Who may do what in a workspace. Four roles, each allowing everything the one below it does:
 *
 * - `viewer` reads: metrics, responses, accounts, surveys, settings (never secrets);
 * - `member` also works with responses and follow-up (`respond`): edit a response, its notes and
 *   tags, and the cases of later issues;
 * - `admin` also changes the programme (`manage`): surveys, widget, contacts, imports, campaigns,
 *   autopilots, triggers, API and widget keys, workspace settings, members below owner;
 * - `owner` also manages owners and the workspace itself (`own`).
 *
 * An API key acts as `admin`: it is an integration set up by an admin.
 */
export const ROLES = ['viewer', 'member', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = ['read', 'respond', 'manage', 'own'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The least role that holds each permission. */
const LEAST_ROLE: Record<Permission, Role> = {
  read: 'viewer',
  respond: 'member',
  manage: 'admin',
  own: 'owner',
};

export const isRole = (value: unknown): value is Role => ROLES.includes(value as Role);

/** Whether `role` holds `permission`. */
export function can(role: Role, permission: Permission): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(LEAST_ROLE[permission]);
}

/**
 * Whether `actor` may give `target` role to someone, or change or remove a member who has role
 * `current`: admins handle viewers, members and admins; only owners handle owners.
 */
export function mayAssign(actor: Role, target: Role, current?: Role): boolean {
  if (!can(actor, 'manage')) return false;
  if (target === 'owner' || current === 'owner') return can(actor, 'own');
  return true;
}

/** The permission an API route needs when its definition names none: reading or managing. */
export function defaultPermission(method: string): Permission {
  return method.toLowerCase() === 'get' ? 'read' : 'manage';
}
