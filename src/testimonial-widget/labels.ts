/** The widget's few words, German and English; `{i}`, `{n}`, `{r}` are filled in by the view. */
export interface Labels {
  title: string;
  prev: string;
  next: string;
  slide: string;
  avg: string;
}

const EN: Labels = {
  title: 'Customer testimonials',
  prev: 'Previous testimonial',
  next: 'Next testimonial',
  slide: '{i} of {n}',
  avg: 'Average recommendation score {r}/10 from all {n} survey responses',
};

const DE: Labels = {
  title: 'Kundenstimmen',
  prev: 'Vorherige Kundenstimme',
  next: 'Nächste Kundenstimme',
  slide: '{i} von {n}',
  avg: 'Durchschnittliche Weiterempfehlung {r}/10 aus allen {n} Umfrageantworten',
};

/** German for any `de…` tag, else English. */
export const labelsFor = (locale: string): Labels => (/^de\b/i.test(locale) ? DE : EN);
