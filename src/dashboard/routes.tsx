/**
 * The pages of the signed-in dashboard: path pattern, navigation label, and what renders it.
 * `:name` segments are passed as params. The first match wins.
 */
import type { JSX } from 'preact';
import type { Filters } from './filters';
import type { MessageKey } from './i18n';
import { lazyPage } from './lazy-page';
import { OverviewPage } from './pages/overview';
import type { Location } from './router';
import type { Session } from './types';

const AccountsPage = lazyPage<PageContext>(() => import('./pages/accounts').then((m) => m.AccountsPage));
const LeaderboardPage = lazyPage<PageContext>(() =>
  import('./pages/leaderboard').then((m) => m.LeaderboardPage),
);
const ResponsesPage = lazyPage<PageContext>(() => import('./pages/responses').then((m) => m.ResponsesPage));
const SegmentsPage = lazyPage<PageContext>(() => import('./pages/segments').then((m) => m.SegmentsPage));
const SettingsPage = lazyPage<PageContext>(() => import('./pages/settings').then((m) => m.SettingsPage));
const SurveysPage = lazyPage<PageContext>(() => import('./pages/surveys').then((m) => m.SurveysPage));
const ThemesPage = lazyPage<PageContext>(() => import('./pages/themes').then((m) => m.ThemesPage));
const TestimonialsPage = lazyPage<PageContext>(() =>
  import('./pages/testimonials').then((m) => m.TestimonialsPage),
);
// The case list loads the case detail and the playbook editor itself, when opened.
const CasesPage = lazyPage<PageContext>(() => import('./pages/cases').then((m) => m.CasesPage));
const IntegrationsPage = lazyPage<PageContext>(() =>
  import('./pages/integrations').then((m) => m.IntegrationsPage),
);

export interface PageContext {
  session: Session;
  location: Location;
  filters: Filters;
  params: Record<string, string>;
}

export interface PageRoute {
  pattern: string;
  /** Shown in the navigation when set. */
  nav?: MessageKey;
  render: (ctx: PageContext) => JSX.Element;
}

export const ROUTES: PageRoute[] = [
  { pattern: '/', nav: 'nav_overview', render: (ctx) => <OverviewPage filters={ctx.filters} /> },
  { pattern: '/responses', nav: 'nav_responses', render: (ctx) => <ResponsesPage {...ctx} /> },
  { pattern: '/responses/:id', render: (ctx) => <ResponsesPage {...ctx} /> },
  { pattern: '/segments', nav: 'nav_segments', render: (ctx) => <SegmentsPage {...ctx} /> },
  { pattern: '/accounts', nav: 'nav_accounts', render: (ctx) => <AccountsPage {...ctx} /> },
  { pattern: '/accounts/:id', render: (ctx) => <AccountsPage {...ctx} /> },
  { pattern: '/cases', nav: 'nav_cases', render: (ctx) => <CasesPage {...ctx} /> },
  { pattern: '/cases/:id', render: (ctx) => <CasesPage {...ctx} /> },
  { pattern: '/themes', nav: 'nav_themes', render: (ctx) => <ThemesPage {...ctx} /> },
  { pattern: '/leaderboard', nav: 'nav_leaderboard', render: (ctx) => <LeaderboardPage {...ctx} /> },
  { pattern: '/testimonials', nav: 'nav_testimonials', render: (ctx) => <TestimonialsPage {...ctx} /> },
  { pattern: '/surveys', nav: 'nav_surveys', render: (ctx) => <SurveysPage {...ctx} /> },
  { pattern: '/surveys/:id', render: (ctx) => <SurveysPage {...ctx} /> },
  { pattern: '/integrations', nav: 'nav_integrations', render: (ctx) => <IntegrationsPage {...ctx} /> },
  { pattern: '/settings', nav: 'nav_settings', render: (ctx) => <SettingsPage {...ctx} /> },
];

/** The route of a path and its params, or undefined. */
export function match(path: string): { route: PageRoute; params: Record<string, string> } | undefined {
  const parts = path.split('/').filter(Boolean);
  for (const route of ROUTES) {
    const pattern = route.pattern.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    pattern.forEach((p, i) => {
      if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(parts[i]!);
      else if (p !== parts[i]) ok = false;
    });
    if (ok) return { route, params };
  }
  return undefined;
}
