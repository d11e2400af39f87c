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
  brand_color?: string | null;
  product_name?: string | null;
  close_label: string;
  send_label: string;
  comment_placeholder: string;
  /** The survey's widget settings (the server fills in the defaults). */
  widget?: { triggers?: Trigger[]; delay_seconds?: number; position?: string };
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
  locale?: string;
  url?: string;
  user?: WidgetUser;
}
