/** The answer of GET /t/v1/testimonials (docs/API.md, "Testimonial widget endpoint"). */
export interface Testimonial {
  display_name: string;
  quote: string;
  score: number;
  /** YYYY-MM-DD */
  date: string;
}

export interface Answer {
  aggregate: { rating: number | null; count: number };
  testimonials: Testimonial[];
  /** schema.org markup, inserted as it is. */
  json_ld: unknown;
}
