/**
 * What the case pages share (pages/cases.tsx: list, board and metrics; pages/case-detail.tsx; and
 * pages/playbook.tsx): the API's shapes, the texts of statuses, SLA states and categories, and the
 * small badges. Everything a customer typed is rendered as JSX text only.
 */
import { defineMessages, useI18n, useMessages } from '../i18n';
import type { Role } from '../types';

export const CASE_STATUSES = ['open', 'in_progress', 'waiting_on_customer', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export type Sla = 'on_track' | 'due_soon' | 'breached' | 'met' | 'missed';
export type Category = 'promoter' | 'passive' | 'detractor';
export const CATEGORIES: readonly Category[] = ['promoter', 'passive', 'detractor'];
/** The category of a score: 9-10 promoter, 7-8 passive, 0-6 detractor (as core/nps.ts). */
export const categoryOf = (score: number): Category =>
  score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';

export interface Case {
  id: string;
  number: number;
  response_id: string | null;
  survey_id: string | null;
  contact_id: string | null;
  account_id: string | null;
  score: number | null;
  category: Category | null;
  comment: string | null;
  title: string;
  owner: string | null;
  team: string | null;
  status: CaseStatus;
  sla: Sla;
  due_at: string;
  first_contact_at: string | null;
  closed_at: string | null;
  resolution: string | null;
  root_causes: string[];
  follow_up_sent_at: string | null;
  recovery_invitation_id: string | null;
  contact: { id: string; name: string | null; email: string | null } | null;
  account: { id: string; name: string } | null;
  created_at: string;
  updated_at: string;
}

export interface CaseMetricsRow {
  group: string | null;
  opened: number;
  closed: number;
  closed_loop_rate: number | null;
  closed_within_sla_rate: number | null;
  open_breached: number;
  median_hours_to_first_contact: number | null;
  median_hours_to_close: number | null;
  recovery_base: number;
  recovered: number;
  recovery_rate: number | null;
}

/** Working a case needs `respond` (members and up); the playbook needs `manage` (admins and up). */
export const canRespond = (role: Role) => role !== 'viewer';
export const canManage = (role: Role) => role === 'admin' || role === 'owner';

export const CM = defineMessages({
  en: {
    title: 'Cases',
    case_n: 'Case #{n}',
    status: 'Status',
    status_open: 'Open',
    status_in_progress: 'In progress',
    status_waiting_on_customer: 'Waiting on customer',
    status_closed: 'Closed',
    sla_on_track: 'On track',
    sla_due_soon: 'Due soon',
    sla_breached: 'Overdue',
    sla_met: 'Closed in time',
    sla_missed: 'Closed late',
    cat_promoter: 'Promoter',
    cat_passive: 'Passive',
    cat_detractor: 'Detractor',
    no_score: 'No answer',
    customer: 'Customer',
    owner: 'Owner',
    team: 'Team',
    due: 'Due',
    nobody: 'Nobody',
    anonymous: 'Unknown customer',
    hours: '{n} h',
    days: '{n} days',
    minutes: '{n} min',
    read_only: 'Your role can read cases but not work on them.',
    playbook: 'Playbook',
  },
  de: {
    title: 'Fälle',
    case_n: 'Fall #{n}',
    status: 'Status',
    status_open: 'Offen',
    status_in_progress: 'In Bearbeitung',
    status_waiting_on_customer: 'Wartet auf Kunden',
    status_closed: 'Abgeschlossen',
    sla_on_track: 'Im Plan',
    sla_due_soon: 'Bald fällig',
    sla_breached: 'Überfällig',
    sla_met: 'Rechtzeitig abgeschlossen',
    sla_missed: 'Verspätet abgeschlossen',
    cat_promoter: 'Promotor',
    cat_passive: 'Passiv',
    cat_detractor: 'Kritiker',
    no_score: 'Keine Antwort',
    customer: 'Kunde',
    owner: 'Zuständig',
    team: 'Team',
    due: 'Fällig',
    nobody: 'Niemand',
    anonymous: 'Unbekannter Kunde',
    hours: '{n} Std.',
    days: '{n} Tage',
    minutes: '{n} Min.',
    read_only: 'Ihre Rolle kann Fälle lesen, aber nicht bearbeiten.',
    playbook: 'Playbook',
  },
});

export function useCaseTexts() {
  return useMessages(CM);
}

export function useDateTime() {
  const { locale } = useI18n();
  const format = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return (iso: string) => format.format(new Date(iso));
}

/** Hours as people say them: minutes under an hour, hours under two days, else days. */
export function useDuration() {
  const { number } = useI18n();
  const m = useMessages(CM);
  return (hours: number | null) => {
    if (hours === null) return '–';
    if (hours < 1) return m('minutes', { n: number(hours * 60, 0) });
    if (hours < 48) return m('hours', { n: number(hours, hours < 10 ? 1 : 0) });
    return m('days', { n: number(hours / 24, 1) });
  };
}

/** A share (0-1) as a percentage with one decimal, or a dash. */
export function usePercent() {
  const { number } = useI18n();
  return (share: number | null) => (share === null ? '–' : `${number(share * 100, 1)} %`);
}

export const customerOf = (k: Case, anonymous: string) =>
  k.contact ? (k.contact.name ?? k.contact.email ?? anonymous) : (k.account?.name ?? anonymous);

export function ScoreBadge({ score, category }: { score: number | null; category: Category | null }) {
  const m = useMessages(CM);
  const { t } = useI18n();
  if (score === null || category === null)
    return (
      <span class="case-score none" title={m('no_score')}>
        –<span class="visually-hidden"> {m('no_score')}</span>
      </span>
    );
  return (
    <span class={`case-score ${category}`} title={m(`cat_${category}`)}>
      <span class="visually-hidden">{t('score')} </span>
      {score}
      <span class="visually-hidden"> ({m(`cat_${category}`)})</span>
    </span>
  );
}

export function SlaBadge({ sla }: { sla: Sla }) {
  const m = useMessages(CM);
  return (
    <span class={`case-sla ${sla}`} data-sla={sla}>
      {m(`sla_${sla}`)}
    </span>
  );
}

export function StatusBadge({ status }: { status: CaseStatus }) {
  const m = useMessages(CM);
  return <span class={`case-status ${status}`}>{m(`status_${status}`)}</span>;
}
