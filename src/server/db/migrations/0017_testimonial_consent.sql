-- The testimonial-consent question (core/survey-texts.ts `consentQuestionFor`, channels/link): a
-- survey may ask its promoters whether their comment may be quoted publicly, the source of the
-- testimonial widget. Consent is an active opt-in (an unticked checkbox), asked only of promoters.
--
-- survey.ask_testimonial_consent: whether the survey asks it (off unless the API turns it on).
ALTER TABLE survey ADD COLUMN ask_testimonial_consent boolean NOT NULL DEFAULT false;

-- response.testimonial_consent: the answer; NULL: not asked or not answered (a passive or
-- detractor, a survey that does not ask, or a score lowered below 9 later, which clears it).
-- response.testimonial_consent_at: when the current answer was given or last changed.
ALTER TABLE response ADD COLUMN testimonial_consent boolean;
ALTER TABLE response ADD COLUMN testimonial_consent_at timestamptz;
