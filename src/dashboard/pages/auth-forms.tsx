/** Sign-in, the first owner's set-up, and accepting an invitation: plain forms on the public auth API. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post } from '../api';
import { type MessageKey, useI18n } from '../i18n';
import type { Role, Session } from '../types';

function useSubmit(action: () => Promise<void>) {
  const { t } = useI18n();
  const [error, setError] = useState<{ message: string; field: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(
        err instanceof ApiError
          ? { message: err.message, field: err.field }
          : { message: t('error_generic'), field: null },
      );
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, onSubmit };
}

function ErrorMessage({ error }: { error: { message: string } | null }) {
  return error ? (
    <p class="error" role="alert">
      {error.message}
    </p>
  ) : null;
}

export function SignInPage({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { error, busy, onSubmit } = useSubmit(async () =>
    onSignedIn(await post<Session>('/auth/sign-in', { email, password })),
  );
  return (
    <main class="card narrow">
      <h1>{t('sign_in_title')}</h1>
      <form onSubmit={onSubmit}>
        <label>
          {t('email')}
          <input
            type="email"
            name="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          {t('password')}
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('sign_in')}
        </button>
      </form>
    </main>
  );
}

export function SetupPage({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const { t, locale } = useI18n();
  const [form, setForm] = useState({ name: '', email: '', password: '', workspace_name: '' });
  const field = (key: keyof typeof form) => (e: Event) =>
    setForm({ ...form, [key]: (e.target as HTMLInputElement).value });
  const { error, busy, onSubmit } = useSubmit(async () =>
    onSignedIn(
      await post<Session>('/auth/setup', {
        name: form.name,
        email: form.email,
        password: form.password,
        workspace_name: form.workspace_name || undefined,
        locale,
      }),
    ),
  );
  return (
    <main class="card narrow">
      <h1>{t('setup_title')}</h1>
      <p>{t('setup_lead')}</p>
      <form onSubmit={onSubmit}>
        <label>
          {t('name')}
          <input name="name" autocomplete="name" required value={form.name} onInput={field('name')} />
        </label>
        <label>
          {t('email')}
          <input
            type="email"
            name="email"
            autocomplete="username"
            required
            value={form.email}
            onInput={field('email')}
          />
        </label>
        <label>
          {t('password')}
          <input
            type="password"
            name="password"
            autocomplete="new-password"
            required
            minLength={10}
            aria-describedby="password-hint"
            value={form.password}
            onInput={field('password')}
          />
        </label>
        <p id="password-hint" class="muted">
          {t('password_hint')}
        </p>
        <label>
          {t('workspace_name')}
          <input
            name="workspace_name"
            autocomplete="organization"
            value={form.workspace_name}
            onInput={field('workspace_name')}
          />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('setup_submit')}
        </button>
      </form>
    </main>
  );
}

interface InvitationInfo {
  workspace_name: string;
  email: string;
  role: Role;
  user_exists: boolean;
}

export function JoinPage({ token, onSignedIn }: { token: string; onSignedIn: (s: Session) => void }) {
  const { t, locale } = useI18n();
  const [info, setInfo] = useState<InvitationInfo | null | 'gone'>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  useEffect(() => {
    get<InvitationInfo>(`/auth/invitations/${encodeURIComponent(token)}`)
      .then(setInfo)
      .catch(() => setInfo('gone'));
  }, [token]);
  const { error, busy, onSubmit } = useSubmit(async () =>
    onSignedIn(
      await post<Session>(`/auth/invitations/${encodeURIComponent(token)}/accept`, {
        name: info !== 'gone' && info && !info.user_exists ? name : undefined,
        password,
        locale,
      }),
    ),
  );
  if (info === null) return <main class="card narrow">{t('loading')}</main>;
  if (info === 'gone')
    return (
      <main class="card narrow">
        <p role="alert">{t('join_gone')}</p>
      </main>
    );
  const role = t(`role_${info.role}` as MessageKey);
  return (
    <main class="card narrow">
      <h1>{t('join_title', { workspace: info.workspace_name })}</h1>
      <p>{t(info.user_exists ? 'join_lead_existing' : 'join_lead', { role, email: info.email })}</p>
      <form onSubmit={onSubmit}>
        {!info.user_exists && (
          <label>
            {t('name')}
            <input
              name="name"
              autocomplete="name"
              required
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </label>
        )}
        <label>
          {t('password')}
          <input
            type="password"
            name="password"
            autocomplete={info.user_exists ? 'current-password' : 'new-password'}
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('join_submit')}
        </button>
      </form>
    </main>
  );
}
