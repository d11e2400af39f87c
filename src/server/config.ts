import path from 'node:path';
import { z } from 'zod';

/** Validated, frozen configuration. Read once at the edge (main/CLI) and passed in. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** `postgres://…` for a PostgreSQL server; undefined means embedded PGlite in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Public base URL used in survey links, e.g. https://nps.example.com (no trailing slash). */
  readonly publicUrl: string;
  /** Requests per minute per IP on the public survey pages. */
  readonly publicRateLimit: number;
  /** Requests per minute per IP on the widget endpoints `/w/v1/*`. */
  readonly widgetRateLimit: number;
  /** Requests per minute per publishable key on the widget endpoints (all visitors of a site together). */
  readonly widgetKeyRateLimit: number;
  /** Reverse proxies in front of Plaudit whose `X-Forwarded-For` entry names the client (0: none). */
  readonly trustProxy: number;
  readonly logRequests: boolean;
  /** `smtp://user:pass@host:587` or `smtps://…`; undefined means .eml files in `<dataDir>/outbox`. */
  readonly smtpUrl: string | undefined;
  /** Sender of survey emails, `Name <address>`. */
  readonly mailFrom: string;
  /** Pooled SMTP connections at most. */
  readonly smtpMaxConnections: number;
  /** The job worker's settings (jobs/worker.ts): jobs at once, lease per claim, recovery interval. */
  /** scrypt cost of dashboard passwords, log2(N) (tests lower it; see auth/passwords.ts). */
  readonly passwordCost: number;
  /** Sign-in attempts per minute per client IP, and failed ones per 15 minutes per email address. */
  readonly signInRateLimit: number;
  /** A dashboard session ends after this many days without use. */
  readonly sessionDays: number;
  readonly jobs: JobSettings;
}

export interface JobSettings {
  /** Jobs one worker runs at once. */
  readonly concurrency: number;
  /** Lease of a claimed job, extended every third of it while the job runs. */
  readonly leaseMs: number;
  /** How often expired leases (of dead workers) are put back in the queue. */
  readonly recoverEveryMs: number;
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  PLAUDIT_DATA_DIR: z.string().default('./data'),
  PLAUDIT_PUBLIC_URL: z.url().optional(),
  PLAUDIT_PUBLIC_RATE_LIMIT: z.coerce.number().int().positive().default(120),
  PLAUDIT_WIDGET_RATE_LIMIT: z.coerce.number().int().positive().default(60),
  PLAUDIT_WIDGET_KEY_RATE_LIMIT: z.coerce.number().int().positive().default(6000),
  PLAUDIT_TRUST_PROXY: z
    .string()
    .regex(/^(?:[0-9]|true|false)$/, 'must be a number of proxies (0-9), true (1) or false (0)')
    .default('0')
    .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v))),
  PLAUDIT_LOG_REQUESTS: z.enum(['0', '1', 'true', 'false']).default('0'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/?#]+/, 'must be an smtp:// or smtps:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  PLAUDIT_MAIL_FROM: z
    .string()
    .trim()
    .min(3)
    .regex(/^[^\r\n]*$/, 'must be one line')
    .default('Plaudit <nps@localhost>'),
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
  PLAUDIT_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  // A lease must stay well above a slow database round trip: a job whose lease lapses while its
  // handler still runs is run a second time (docs/OPERATIONS.md, delivery guarantees).
  PLAUDIT_JOB_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
  PLAUDIT_JOB_RECOVER_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
  // scrypt cost of dashboard passwords as log2(N): 17 is OWASP's minimum (128 MiB, ~0.3 s here).
  PLAUDIT_PASSWORD_COST: z.coerce.number().int().min(10).max(20).default(17),
  PLAUDIT_SIGN_IN_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  PLAUDIT_SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(14),
});

export class ConfigError extends Error {}

/** Builds the configuration from environment variables (and CLI overrides). */
export function loadConfig(env: Record<string, string | undefined>, overrides: Partial<Config> = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid configuration ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const port = overrides.port ?? e.PORT;
  const config: Config = {
    port,
    host: overrides.host ?? e.HOST,
    databaseUrl: overrides.databaseUrl ?? e.DATABASE_URL,
    dataDir: path.resolve(overrides.dataDir ?? e.PLAUDIT_DATA_DIR),
    publicUrl: (overrides.publicUrl ?? e.PLAUDIT_PUBLIC_URL ?? `http://localhost:${port}`).replace(
      /\/+$/,
      '',
    ),
    publicRateLimit: overrides.publicRateLimit ?? e.PLAUDIT_PUBLIC_RATE_LIMIT,
    widgetRateLimit: overrides.widgetRateLimit ?? e.PLAUDIT_WIDGET_RATE_LIMIT,
    widgetKeyRateLimit: overrides.widgetKeyRateLimit ?? e.PLAUDIT_WIDGET_KEY_RATE_LIMIT,
    trustProxy: overrides.trustProxy ?? e.PLAUDIT_TRUST_PROXY,
    logRequests:
      overrides.logRequests ?? (e.PLAUDIT_LOG_REQUESTS === '1' || e.PLAUDIT_LOG_REQUESTS === 'true'),
    smtpUrl: overrides.smtpUrl ?? e.SMTP_URL,
    mailFrom: overrides.mailFrom ?? e.PLAUDIT_MAIL_FROM,
    smtpMaxConnections: overrides.smtpMaxConnections ?? e.SMTP_MAX_CONNECTIONS,
    passwordCost: overrides.passwordCost ?? e.PLAUDIT_PASSWORD_COST,
    signInRateLimit: overrides.signInRateLimit ?? e.PLAUDIT_SIGN_IN_RATE_LIMIT,
    sessionDays: overrides.sessionDays ?? e.PLAUDIT_SESSION_DAYS,
    jobs: Object.freeze(
      overrides.jobs ?? {
        concurrency: e.PLAUDIT_JOB_CONCURRENCY,
        leaseMs: e.PLAUDIT_JOB_LEASE_MS,
        recoverEveryMs: e.PLAUDIT_JOB_RECOVER_MS,
      },
    ),
  };
  return Object.freeze(config);
}
