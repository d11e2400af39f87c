/** The API's answers as the dashboard reads them (see docs/API.md). */
export type Role = 'owner' | 'admin' | 'member' | 'viewer';

export interface Session {
  user: { id: string; email: string; name: string; locale: string | null };
  workspace: { id: string; name: string };
  role: Role;
  csrf_token: string;
  memberships: { workspace_id: string; workspace_name: string; role: Role }[];
  expires_at: string;
}

export interface Summary {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  promoter_pct: number;
  passive_pct: number;
  detractor_pct: number;
  nps: number | null;
  nps_rounded: number | null;
  margin_of_error: number | null;
  distribution: number[];
}

export interface TrendPoint {
  bucket: string;
  summary: Summary;
}

export interface Comparison {
  current: Summary;
  baseline: Summary;
  difference: number | null;
  significant: boolean;
  verdict: 'increase' | 'decrease' | 'no-significant-change' | 'too-few-responses';
  verdict_text: string;
}

export interface Survey {
  id: string;
  name: string;
  status: string;
}
