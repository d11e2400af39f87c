/**
 * The dashboard: finds out whether someone is signed in (GET /auth/session), else shows the
 * first owner's set-up (while no user exists), an invitation or the sign-in; then the pages.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, get, patch, setCsrfToken } from './api';
import { Layout } from './components/layout';
import { filtersOf } from './filters';
import { I18nContext, initialLocale, type Locale, storeLocale, type Translate, translator } from './i18n';
import { JoinPage, SetupPage, SignInPage } from './pages/auth-forms';
import { type Location, navigate, useLocation } from './router';
import { match } from './routes';
import { onSessionChanged, onSessionEnded } from './session-events';
import type { Session } from './types';

type State =
  | { kind: 'loading' }
  | { kind: 'signed-out'; setupRequired: boolean }
  | { kind: 'signed-in'; session: Session };

export function App() {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const [state, setState] = useState<State>({ kind: 'loading' });
  const location = useLocation();

  const i18n = useMemo(() => {
    const format = new Map<number, Intl.NumberFormat>();
    return {
      locale,
      t: translator(locale),
      setLocale: (next: Locale) => {
        storeLocale(next);
        setLocaleState(next);
        // Remembered with the account too, so it follows the user to other browsers.
        if (state.kind === 'signed-in') patch('/auth/me', { locale: next }).catch(() => {});
      },
      number: (value: number, decimals = 0) => {
        let f = format.get(decimals);
        if (!f) {
          f = new Intl.NumberFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
            minimumFractionDigits: decimals,
            maximumFractionDigits: decimals,
          });
          format.set(decimals, f);
        }
        return f.format(decimals === 0 ? Math.round(value) : value);
      },
    };
  }, [locale, state.kind]);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const signedIn = (session: Session) => {
    setCsrfToken(session.csrf_token);
    if (session.user.locale === 'de' || session.user.locale === 'en') {
      setLocaleState(session.user.locale);
      storeLocale(session.user.locale);
    }
    setState({ kind: 'signed-in', session });
    if (['/sign-in', '/setup'].includes(location.path) || location.path.startsWith('/join/'))
      navigate('/', { replace: true });
  };

  // Pages report a changed session (re-read it for the header) or an ended one (to the sign-in).
  useEffect(() => {
    const offChanged = onSessionChanged(() => {
      get<Session>('/auth/session')
        .then((session) => {
          setCsrfToken(session.csrf_token);
          setState({ kind: 'signed-in', session });
        })
        .catch(() => setState({ kind: 'signed-out', setupRequired: false }));
    });
    const offEnded = onSessionEnded(() => {
      setCsrfToken('');
      setState({ kind: 'signed-out', setupRequired: false });
      navigate('/sign-in', { replace: true });
    });
    return () => {
      offChanged();
      offEnded();
    };
  }, []);

  useEffect(() => {
    get<Session>('/auth/session')
      .then(signedIn)
      .catch(async (error) => {
        if (!(error instanceof ApiError) || error.status !== 401) throw error;
        const authState = await get<{ setup_required: boolean }>('/auth/state');
        setState({ kind: 'signed-out', setupRequired: authState.setup_required });
      })
      .catch(() => setState({ kind: 'signed-out', setupRequired: false }));
  }, []);

  let page: preact.JSX.Element;
  if (state.kind === 'loading') page = <p class="card narrow">{i18n.t('loading')}</p>;
  else if (state.kind === 'signed-out') {
    const join = /^\/join\/([\w-]+)$/.exec(location.path);
    if (join) page = <JoinPage token={join[1]!} onSignedIn={signedIn} />;
    else if (state.setupRequired) page = <SetupPage onSignedIn={signedIn} />;
    else page = <SignInPage onSignedIn={signedIn} />;
  } else {
    page = (
      <Layout
        session={state.session}
        path={location.path}
        onSignedOut={() => setState({ kind: 'signed-out', setupRequired: false })}
      >
        {renderPage(state.session, location, i18n.t)}
      </Layout>
    );
  }
  return <I18nContext.Provider value={i18n}>{page}</I18nContext.Provider>;
}

function renderPage(session: Session, location: Location, t: Translate) {
  const found = match(location.path);
  if (!found) return <p class="card">{t('not_found')}</p>;
  return found.route.render({ session, location, filters: filtersOf(location.query), params: found.params });
}
