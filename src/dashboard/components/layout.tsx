/** The frame of a signed-in page: the workspace, the navigation, language, the user and sign-out. */
import type { ComponentChildren } from 'preact';
import { post } from '../api';
import { LOCALES, type MessageKey, useI18n } from '../i18n';
import { BASE, navigate, onLinkClick } from '../router';
import { ROUTES } from '../routes';
import type { Session } from '../types';

const NAV: { path: string; key: MessageKey }[] = ROUTES.filter((r) => r.nav).map((r) => ({
  path: r.pattern,
  key: r.nav!,
}));

export function Layout(props: {
  session: Session;
  path: string;
  onSignedOut: () => void;
  children: ComponentChildren;
}) {
  const { t, locale, setLocale } = useI18n();
  const signOut = async () => {
    await post('/auth/sign-out').catch(() => {});
    props.onSignedOut();
    navigate('/sign-in');
  };
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href={`${BASE}/`} onClick={(e) => onLinkClick(e, '/')}>
          {t('app_name')}
        </a>
        <span class="workspace">{props.session.workspace.name}</span>
        <nav aria-label="Plaudit">
          <ul>
            {NAV.map((item) => (
              <li key={item.path}>
                <a
                  href={`${BASE}${item.path}`}
                  aria-current={
                    props.path === item.path || (item.path !== '/' && props.path.startsWith(`${item.path}/`))
                      ? 'page'
                      : undefined
                  }
                  onClick={(e) => onLinkClick(e, item.path)}
                >
                  {t(item.key)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="user">
          <label for="language" class="visually-hidden">
            {t('language')}
          </label>
          <select
            id="language"
            value={locale}
            onChange={(e) => setLocale((e.target as HTMLSelectElement).value as 'de' | 'en')}
          >
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {l === 'de' ? 'Deutsch' : 'English'}
              </option>
            ))}
          </select>
          <span class="who">
            {props.session.user.name} · {t(`role_${props.session.role}` as MessageKey)}
          </span>
          <button type="button" class="link" onClick={signOut}>
            {t('sign_out')}
          </button>
        </div>
      </header>
      <main id="main">{props.children}</main>
    </div>
  );
}
