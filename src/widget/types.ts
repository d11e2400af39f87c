/** The survey texts answered by POST /w/v1/surveys/config (see the widget contract). */
export interface WidgetConfig {
  survey_id: string;
  locale: string;
  question: string;
  follow_up_promoter: string;
  follow_up_passive: string;
  follow_up_detractor: string;
  thank_you: string;
  low_label: string;
  high_label: string;
  /** The consent question asked of promoters (a checkbox label), when the survey asks it. */
  testimonial_consent?: string | null;
  close_label: string;
  send_label: string;
  comment_placeholder: string;
  /** The survey's widget settings (the server fills in the defaults). */
  widget?: {
    triggers?: Trigger[];
    delay_seconds?: number;
    position?: string;
    /** CSS custom properties of the card (brand, on_brand, background, text, muted, line), #rrggbb. */
    colors?: Record<string, string>;
  };
  /** Whether this visitor may be asked now (fatigue, dismissal cooldown, sampling), decided by the server. */
  eligibility?: { ask: boolean };
}

/** When a survey shown by data-survey opens (any one of them; none: at once). */
export type Trigger =
  | { kind: 'page_view'; url_pattern: string }
  | { kind: 'event'; name: string }
  | { kind: 'seconds_on_page'; seconds: number }
  | { kind: 'scroll_depth'; percent: number };

export type Scalar = string | number | boolean;

export interface WidgetUser {
  id: string;
  email?: string;
  name?: string;
  locale?: string;
  traits?: Record<string, Scalar>;
}

/** The body of POST /w/v1/responses; also what the outbox keeps until the server has it. */
export interface ResponseBody {
  key: string;
  id: string;
  survey_id: string;
  visitor_id: string;
  score: number;
  comment?: string;
  /** Only from promoters asked for it, sent with the comment. */
  testimonial_consent?: boolean;
  locale?: string;
  url?: string;
  user?: WidgetUser;
}

/** The body of POST /w/v1/events without key and visitor_id (the api adds them). */
export interface TrackedEvent {
  id: string;
  name: string;
  properties: Record<string, Scalar>;
  url: string;
  user?: WidgetUser;
}
