/**
 * Static text material for the demo data generator: survey texts, company and person names,
 * release notes and the building blocks of the demo comments (German and English).
 *
 * Nothing here is random; generate-demo-data.ts picks from these lists with a seeded PRNG.
 * Comment templates may contain placeholders in braces, filled by the generator:
 * {product} {agent} {hours} {days} {users} {percent} {seconds} {months} {integration} {format}
 * {report} {page} {weekday}. No template contains markup; the single HTML-looking comment is
 * injected deliberately by the generator (see HTML_COMMENT).
 */
import type { DemoLocale, DemoSurveyTexts } from './generate-demo-data';

export const PRODUCT_NAME = 'Taskwerk';

export type SurveyKey = 'relationship' | 'support' | 'onboarding' | 'website';

export interface SurveyTemplate {
  key: SurveyKey;
  name: string;
  kind: 'relational' | 'transactional';
  journeyStage: 'awareness' | 'consideration' | 'acquisition' | 'service' | 'loyalty';
  brandColor: string;
  defaultLocale: DemoLocale;
  texts: Record<DemoLocale, DemoSurveyTexts>;
}

const QUESTION_DE =
  'Wie wahrscheinlich ist es, dass Sie {product} einem Freund oder Kollegen weiterempfehlen?';
const QUESTION_EN = 'How likely is it that you would recommend {product} to a friend or colleague?';
const FOLLOW_UP_DE = 'Was ist der Hauptgrund für Ihre Bewertung?';
const FOLLOW_UP_EN = 'What is the main reason for your score?';

export const SURVEY_TEMPLATES: readonly SurveyTemplate[] = [
  {
    key: 'relationship',
    name: 'Quarterly relationship NPS',
    kind: 'relational',
    journeyStage: 'loyalty',
    brandColor: '#0f766e',
    defaultLocale: 'de',
    texts: {
      de: {
        question: QUESTION_DE,
        followUp: FOLLOW_UP_DE,
        thankYou:
          'Vielen Dank für Ihre Rückmeldung! Wir lesen jede Antwort und melden uns, wenn wir Fragen haben.',
      },
      en: {
        question: QUESTION_EN,
        followUp: FOLLOW_UP_EN,
        thankYou:
          'Thank you for your feedback! We read every response and will get in touch if we have questions.',
      },
    },
  },
  {
    key: 'support',
    name: 'Support ticket solved',
    kind: 'transactional',
    journeyStage: 'service',
    brandColor: '#0f766e',
    defaultLocale: 'de',
    texts: {
      de: {
        question: QUESTION_DE,
        followUp: 'Was ist der Hauptgrund für Ihre Bewertung? Gern auch zu Ihrer letzten Support-Anfrage.',
        thankYou: 'Danke! Ihr Feedback geht direkt an unser Support-Team.',
      },
      en: {
        question: QUESTION_EN,
        followUp:
          'What is the main reason for your score? Feel free to tell us about your recent support request.',
        thankYou: 'Thank you! Your feedback goes straight to our support team.',
      },
    },
  },
  {
    key: 'onboarding',
    name: 'Onboarding completed',
    kind: 'transactional',
    journeyStage: 'acquisition',
    brandColor: '#0f766e',
    defaultLocale: 'de',
    texts: {
      de: {
        question: QUESTION_DE,
        followUp: 'Was ist der Hauptgrund für Ihre Bewertung? Wie lief Ihr Start bei uns?',
        thankYou: 'Vielen Dank! Schön, dass Sie an Bord sind.',
      },
      en: {
        question: QUESTION_EN,
        followUp: 'What is the main reason for your score? How was your start with us?',
        thankYou: 'Thank you! Great to have you on board.',
      },
    },
  },
  {
    key: 'website',
    name: 'Website widget',
    kind: 'transactional',
    journeyStage: 'consideration',
    brandColor: '#4f46e5',
    defaultLocale: 'de',
    texts: {
      de: {
        question: QUESTION_DE,
        followUp: FOLLOW_UP_DE,
        thankYou: 'Danke für Ihr Feedback!',
      },
      en: {
        question: QUESTION_EN,
        followUp: FOLLOW_UP_EN,
        thankYou: 'Thanks for your feedback!',
      },
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Sales reps, teams, accounts
// ---------------------------------------------------------------------------------------------

export const SALES_REPS = [
  'Julia Hoffmann',
  'Markus Weber',
  'Sabine Gruber',
  'Reto Baumgartner',
  'Emily Clarke',
  'Thomas de Vries',
] as const;

export type SalesRep = (typeof SALES_REPS)[number];

export type Tier = 'enterprise' | 'mid-market' | 'smb';

export interface AccountTemplate {
  name: string;
  slug: string;
  country: string;
  industry: string;
  tier: Tier;
}

export const ACCOUNT_TEMPLATES: readonly AccountTemplate[] = [
  {
    name: 'Bergmann Logistik GmbH',
    slug: 'bergmann-logistik',
    country: 'DE',
    industry: 'logistics',
    tier: 'enterprise',
  },
  {
    name: 'Nordlicht Medien GmbH',
    slug: 'nordlicht-medien',
    country: 'DE',
    industry: 'media',
    tier: 'mid-market',
  },
  {
    name: 'Hansewerft Engineering GmbH',
    slug: 'hansewerft',
    country: 'DE',
    industry: 'manufacturing',
    tier: 'enterprise',
  },
  {
    name: 'Müller & Söhne Maschinenbau KG',
    slug: 'mueller-soehne',
    country: 'DE',
    industry: 'manufacturing',
    tier: 'mid-market',
  },
  {
    name: 'Rheinblick Immobilien GmbH',
    slug: 'rheinblick',
    country: 'DE',
    industry: 'real_estate',
    tier: 'smb',
  },
  {
    name: 'Kessler Steuerberatung',
    slug: 'kessler-stb',
    country: 'DE',
    industry: 'professional_services',
    tier: 'smb',
  },
  {
    name: 'Sonnenfeld Energie AG',
    slug: 'sonnenfeld-energie',
    country: 'DE',
    industry: 'energy',
    tier: 'enterprise',
  },
  {
    name: 'Lindenhof Pflege gGmbH',
    slug: 'lindenhof-pflege',
    country: 'DE',
    industry: 'healthcare',
    tier: 'mid-market',
  },
  {
    name: 'Brauhaus Weißenfels GmbH',
    slug: 'brauhaus-weissenfels',
    country: 'DE',
    industry: 'food_beverage',
    tier: 'smb',
  },
  {
    name: 'Kaiser Elektrotechnik GmbH',
    slug: 'kaiser-elektro',
    country: 'DE',
    industry: 'manufacturing',
    tier: 'mid-market',
  },
  { name: 'Spreewerk Digital GmbH', slug: 'spreewerk', country: 'DE', industry: 'software', tier: 'smb' },
  {
    name: 'Falkenberg Versicherungsmakler GmbH',
    slug: 'falkenberg',
    country: 'DE',
    industry: 'insurance',
    tier: 'mid-market',
  },
  { name: 'Isar Dentallabor GmbH', slug: 'isar-dental', country: 'DE', industry: 'healthcare', tier: 'smb' },
  {
    name: 'Grünwald Architekten PartG',
    slug: 'gruenwald-architekten',
    country: 'DE',
    industry: 'architecture',
    tier: 'smb',
  },
  { name: 'Weser Fahrradmanufaktur GmbH', slug: 'weser-rad', country: 'DE', industry: 'retail', tier: 'smb' },
  {
    name: 'Eichhorn Personalberatung GmbH',
    slug: 'eichhorn-personal',
    country: 'DE',
    industry: 'professional_services',
    tier: 'mid-market',
  },
  {
    name: 'Fuchs & Partner Rechtsanwälte',
    slug: 'fuchs-partner',
    country: 'DE',
    industry: 'legal',
    tier: 'smb',
  },
  {
    name: 'Hochland Bildungswerk e.V.',
    slug: 'hochland-bildung',
    country: 'DE',
    industry: 'education',
    tier: 'smb',
  },
  {
    name: 'Vogel Gebäudetechnik GmbH',
    slug: 'vogel-gebaeudetechnik',
    country: 'DE',
    industry: 'construction',
    tier: 'mid-market',
  },
  {
    name: 'Meridian Handelsgesellschaft mbH',
    slug: 'meridian-handel',
    country: 'DE',
    industry: 'wholesale',
    tier: 'enterprise',
  },
  {
    name: 'Tannenhof Hotels GmbH',
    slug: 'tannenhof-hotels',
    country: 'DE',
    industry: 'hospitality',
    tier: 'mid-market',
  },
  {
    name: 'Alpenblick Hotels GmbH',
    slug: 'alpenblick',
    country: 'AT',
    industry: 'hospitality',
    tier: 'mid-market',
  },
  {
    name: 'Donau Logistik AG',
    slug: 'donau-logistik',
    country: 'AT',
    industry: 'logistics',
    tier: 'enterprise',
  },
  {
    name: 'Wiener Werkstätten für Gestaltung GmbH',
    slug: 'wiener-werkstaetten',
    country: 'AT',
    industry: 'design',
    tier: 'smb',
  },
  {
    name: 'Gruber Holzbau GmbH',
    slug: 'gruber-holzbau',
    country: 'AT',
    industry: 'construction',
    tier: 'smb',
  },
  {
    name: 'Steirer Bio-Feinkost GmbH',
    slug: 'steirer-feinkost',
    country: 'AT',
    industry: 'food_beverage',
    tier: 'smb',
  },
  {
    name: 'Zürcher Treuhand AG',
    slug: 'zuercher-treuhand',
    country: 'CH',
    industry: 'finance',
    tier: 'mid-market',
  },
  {
    name: 'Aare Medtech AG',
    slug: 'aare-medtech',
    country: 'CH',
    industry: 'healthcare',
    tier: 'enterprise',
  },
  { name: 'Berner Uhrenatelier GmbH', slug: 'berner-uhren', country: 'CH', industry: 'retail', tier: 'smb' },
  {
    name: 'Säntis Software AG',
    slug: 'saentis-software',
    country: 'CH',
    industry: 'software',
    tier: 'mid-market',
  },
  {
    name: 'Brightwater Analytics Inc.',
    slug: 'brightwater',
    country: 'US',
    industry: 'software',
    tier: 'mid-market',
  },
  {
    name: 'Harbor & Pine Outfitters LLC',
    slug: 'harbor-pine',
    country: 'US',
    industry: 'retail',
    tier: 'smb',
  },
  {
    name: 'Cedar Ridge Health Partners',
    slug: 'cedar-ridge',
    country: 'US',
    industry: 'healthcare',
    tier: 'enterprise',
  },
  {
    name: 'Thistle & Oak Consulting Ltd',
    slug: 'thistle-oak',
    country: 'GB',
    industry: 'professional_services',
    tier: 'smb',
  },
  {
    name: 'Greyfriars Publishing Ltd',
    slug: 'greyfriars',
    country: 'GB',
    industry: 'media',
    tier: 'mid-market',
  },
  {
    name: 'Van Dijk Installatietechniek B.V.',
    slug: 'vandijk',
    country: 'NL',
    industry: 'construction',
    tier: 'mid-market',
  },
  {
    name: 'Grachtenhuis Marketing B.V.',
    slug: 'grachtenhuis',
    country: 'NL',
    industry: 'marketing',
    tier: 'smb',
  },
  { name: 'Atelier Lumière SARL', slug: 'atelier-lumiere', country: 'FR', industry: 'design', tier: 'smb' },
  {
    name: 'Transports Garnier SAS',
    slug: 'transports-garnier',
    country: 'FR',
    industry: 'logistics',
    tier: 'mid-market',
  },
  { name: 'Nordvik Outdoor AB', slug: 'nordvik', country: 'SE', industry: 'retail', tier: 'mid-market' },
];

// ---------------------------------------------------------------------------------------------
// Countries and person names
// ---------------------------------------------------------------------------------------------

export type NameRegion = 'de' | 'at' | 'ch' | 'en' | 'nl' | 'fr' | 'it' | 'es' | 'pl' | 'se';

export interface CountryInfo {
  code: string;
  /** share of individual (B2C / self-serve) contacts */
  weight: number;
  names: NameRegion;
  timeZones: readonly string[];
  emailDomains: readonly string[];
}

export const COUNTRIES: readonly CountryInfo[] = [
  {
    code: 'DE',
    weight: 50,
    names: 'de',
    timeZones: ['Europe/Berlin'],
    emailDomains: ['example.de', 'example.de', 'example.com'],
  },
  {
    code: 'AT',
    weight: 11,
    names: 'at',
    timeZones: ['Europe/Vienna'],
    emailDomains: ['example.de', 'example.org'],
  },
  {
    code: 'CH',
    weight: 9,
    names: 'ch',
    timeZones: ['Europe/Zurich'],
    emailDomains: ['example.de', 'example.com'],
  },
  {
    code: 'US',
    weight: 7,
    names: 'en',
    timeZones: [
      'America/New_York',
      'America/New_York',
      'America/Chicago',
      'America/Denver',
      'America/Los_Angeles',
    ],
    emailDomains: ['example.com', 'example.org'],
  },
  {
    code: 'GB',
    weight: 6,
    names: 'en',
    timeZones: ['Europe/London'],
    emailDomains: ['example.com', 'example.org'],
  },
  {
    code: 'NL',
    weight: 5,
    names: 'nl',
    timeZones: ['Europe/Amsterdam'],
    emailDomains: ['example.com', 'example.org'],
  },
  {
    code: 'FR',
    weight: 4,
    names: 'fr',
    timeZones: ['Europe/Paris'],
    emailDomains: ['example.com', 'example.org'],
  },
  { code: 'IT', weight: 2, names: 'it', timeZones: ['Europe/Rome'], emailDomains: ['example.com'] },
  { code: 'ES', weight: 2, names: 'es', timeZones: ['Europe/Madrid'], emailDomains: ['example.com'] },
  {
    code: 'PL',
    weight: 2,
    names: 'pl',
    timeZones: ['Europe/Warsaw'],
    emailDomains: ['example.com', 'example.org'],
  },
  { code: 'SE', weight: 2, names: 'se', timeZones: ['Europe/Stockholm'], emailDomains: ['example.com'] },
];

/** Standard UTC offset in minutes; +60 in summer for zones that observe daylight saving time. */
export const TIME_ZONE_OFFSETS: Record<string, number> = {
  'Europe/Berlin': 60,
  'Europe/Vienna': 60,
  'Europe/Zurich': 60,
  'Europe/London': 0,
  'Europe/Amsterdam': 60,
  'Europe/Paris': 60,
  'Europe/Rome': 60,
  'Europe/Madrid': 60,
  'Europe/Warsaw': 60,
  'Europe/Stockholm': 60,
  'America/New_York': -300,
  'America/Chicago': -360,
  'America/Denver': -420,
  'America/Los_Angeles': -480,
};

const DE_FIRST = [
  'Anna',
  'Lena',
  'Julia',
  'Katharina',
  'Sarah',
  'Laura',
  'Lisa',
  'Sophie',
  'Hannah',
  'Marie',
  'Miriam',
  'Claudia',
  'Sabine',
  'Petra',
  'Andrea',
  'Stefanie',
  'Nicole',
  'Jana',
  'Franziska',
  'Annika',
  'Jörg',
  'Jürgen',
  'Thomas',
  'Michael',
  'Andreas',
  'Stefan',
  'Christian',
  'Markus',
  'Tobias',
  'Jan',
  'Felix',
  'Lukas',
  'Maximilian',
  'Sebastian',
  'Florian',
  'Daniel',
  'Matthias',
  'Björn',
  'Sören',
  'Uwe',
  'Kai',
  'Mehmet',
  'Ayşe',
  'Elif',
  'Can',
  'Ole',
  'Timo',
  'Niklas',
  'Dörte',
  'Ute',
];
const DE_LAST = [
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Schäfer',
  'Koch',
  'Bauer',
  'Richter',
  'Klein',
  'Wolf',
  'Schröder',
  'Neumann',
  'Schwarz',
  'Zimmermann',
  'Braun',
  'Krüger',
  'Hofmann',
  'Hartmann',
  'Lange',
  'Schmitt',
  'Werner',
  'Schmitz',
  'Krause',
  'Meier',
  'Lehmann',
  'Schulze',
  'Köhler',
  'Herrmann',
  'König',
  'Walter',
  'Kaiser',
  'Fuchs',
  'Peters',
  'Scholz',
  'Möller',
  'Weiß',
  'Jung',
  'Hahn',
  'Vogel',
  'Friedrich',
  'Keller',
  'Günther',
  'Berger',
  'Winkler',
  'Lorenz',
  'Baumann',
  'Albrecht',
  'Böhm',
  'Winter',
  'Krämer',
  'Jäger',
  'Sommer',
  'Groß',
  'Brandt',
  'Yılmaz',
  'Kaya',
  'Demir',
  'Öztürk',
  'Nowak',
  'Kowalski',
  'Petrović',
  'Nguyen',
];
const AT_LAST = [
  'Gruber',
  'Huber',
  'Bauer',
  'Wagner',
  'Müller',
  'Pichler',
  'Steiner',
  'Moser',
  'Mayer',
  'Hofer',
  'Leitner',
  'Berger',
  'Fuchs',
  'Eder',
  'Fischer',
  'Schmid',
  'Winkler',
  'Weber',
  'Schwarz',
  'Maier',
  'Reiter',
  'Wimmer',
  'Egger',
  'Brunner',
  'Lang',
  'Auer',
  'Lechner',
  'Haas',
  'Aigner',
  'Strasser',
];
const AT_FIRST = [
  ...DE_FIRST.slice(0, 40),
  'Valentina',
  'Leopold',
  'Ferdinand',
  'Theresa',
  'Johanna',
  'Florian',
];
const CH_LAST = [
  'Müller',
  'Meier',
  'Schmid',
  'Keller',
  'Weber',
  'Huber',
  'Schneider',
  'Meyer',
  'Steiner',
  'Fischer',
  'Gerber',
  'Brunner',
  'Baumann',
  'Frei',
  'Zimmermann',
  'Moser',
  'Widmer',
  'Wyss',
  'Graf',
  'Roth',
  'Baumgartner',
  'Bühler',
  'Suter',
  'Kälin',
  'Hürlimann',
  'Favre',
  'Rochat',
  'Bernasconi',
];
const CH_FIRST = [...DE_FIRST.slice(0, 40), 'Reto', 'Urs', 'Beat', 'Corinne', 'Nadine', 'Luca', 'Noemi'];
const EN_FIRST = [
  'James',
  'Oliver',
  'Harry',
  'Jack',
  'George',
  'Noah',
  'Liam',
  'Ethan',
  'Michael',
  'David',
  'Daniel',
  'Olivia',
  'Emma',
  'Amelia',
  'Charlotte',
  'Emily',
  'Grace',
  'Chloe',
  'Sophia',
  'Hannah',
  'Priya',
  'Aisha',
  'Sean',
  'Ryan',
  'Megan',
  'Rachel',
  'Jessica',
  'Matthew',
  'Andrew',
  'Kevin',
];
const EN_LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Taylor',
  'Davies',
  'Evans',
  'Wilson',
  'Thomas',
  'Roberts',
  'Walker',
  'Wright',
  'Thompson',
  'Miller',
  'Davis',
  'Garcia',
  'Martinez',
  'Anderson',
  'Clark',
  'Lewis',
  'Lee',
  'Patel',
  'Khan',
  'Murphy',
  "O'Brien",
  'Hughes',
  'Green',
  'Hall',
  'Young',
  'King',
  'Scott',
  'Baker',
];
const NL_FIRST = [
  'Daan',
  'Sem',
  'Lars',
  'Bram',
  'Jeroen',
  'Maarten',
  'Sanne',
  'Fleur',
  'Anouk',
  'Lotte',
  'Eva',
  'Femke',
  'Joris',
  'Ruben',
];
const NL_LAST = [
  'de Vries',
  'Jansen',
  'de Jong',
  'van den Berg',
  'Bakker',
  'Visser',
  'Smit',
  'Meijer',
  'de Boer',
  'Mulder',
  'Bos',
  'Vos',
  'Hendriks',
  'van Dijk',
  'Dekker',
];
const FR_FIRST = [
  'Camille',
  'Léa',
  'Manon',
  'Chloé',
  'Inès',
  'Julie',
  'Lucas',
  'Hugo',
  'Louis',
  'Théo',
  'Nicolas',
  'Mathieu',
  'Élodie',
  'Antoine',
];
const FR_LAST = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Laurent',
  'Lefèvre',
  'Michel',
  'Garnier',
  'Rousseau',
  'Fontaine',
];
const IT_FIRST = [
  'Giulia',
  'Francesca',
  'Chiara',
  'Sara',
  'Marco',
  'Luca',
  'Matteo',
  'Alessandro',
  'Davide',
  'Federica',
];
const IT_LAST = [
  'Rossi',
  'Russo',
  'Ferrari',
  'Esposito',
  'Bianchi',
  'Romano',
  'Colombo',
  'Ricci',
  'Marino',
  'Greco',
  'Bruno',
  'Gallo',
];
const ES_FIRST = [
  'Lucía',
  'María',
  'Paula',
  'Carmen',
  'Javier',
  'Pablo',
  'Alejandro',
  'Sergio',
  'Álvaro',
  'Elena',
];
const ES_LAST = [
  'García',
  'Fernández',
  'González',
  'Rodríguez',
  'López',
  'Martínez',
  'Sánchez',
  'Pérez',
  'Gómez',
  'Ruiz',
];
const PL_FIRST = [
  'Anna',
  'Katarzyna',
  'Magdalena',
  'Agnieszka',
  'Piotr',
  'Krzysztof',
  'Tomasz',
  'Paweł',
  'Michał',
  'Łukasz',
];
const PL_LAST = [
  'Nowak',
  'Kowalski',
  'Wiśniewski',
  'Wójcik',
  'Kamiński',
  'Lewandowski',
  'Zieliński',
  'Szymański',
  'Dąbrowski',
];
const SE_FIRST = [
  'Erik',
  'Lars',
  'Karl',
  'Anders',
  'Johan',
  'Astrid',
  'Ingrid',
  'Elin',
  'Maja',
  'Linnea',
  'Björn',
  'Sofia',
];
const SE_LAST = [
  'Andersson',
  'Johansson',
  'Karlsson',
  'Nilsson',
  'Eriksson',
  'Larsson',
  'Olsson',
  'Persson',
  'Lindqvist',
  'Berg',
];

export const NAMES: Record<NameRegion, { first: readonly string[]; last: readonly string[] }> = {
  de: { first: DE_FIRST, last: DE_LAST },
  at: { first: AT_FIRST, last: AT_LAST },
  ch: { first: CH_FIRST, last: CH_LAST },
  en: { first: EN_FIRST, last: EN_LAST },
  nl: { first: NL_FIRST, last: NL_LAST },
  fr: { first: FR_FIRST, last: FR_LAST },
  it: { first: IT_FIRST, last: IT_LAST },
  es: { first: ES_FIRST, last: ES_LAST },
  pl: { first: PL_FIRST, last: PL_LAST },
  se: { first: SE_FIRST, last: SE_LAST },
};

// ---------------------------------------------------------------------------------------------
// Releases (days before `now`; the generator moves each to the next Tuesday)
// ---------------------------------------------------------------------------------------------

export interface ReleaseTemplate {
  daysBeforeNow: number;
  name: string;
  note: string;
}

/** The release after which the NPS dips for about six weeks. */
export const DIP_RELEASE_NAME = 'Release 4.0 – neue Abrechnung';

export const RELEASE_TEMPLATES: readonly ReleaseTemplate[] = [
  {
    daysBeforeNow: 700,
    name: 'Release 3.0 – neues Dashboard',
    note: 'Komplett überarbeitetes Dashboard mit frei anordenbaren Kacheln.',
  },
  {
    daysBeforeNow: 630,
    name: 'Release 3.1 – Slack- und Teams-Integration',
    note: 'Benachrichtigungen und Aufgaben direkt in Slack und Microsoft Teams.',
  },
  {
    daysBeforeNow: 560,
    name: 'Release 3.2 – Excel- und PDF-Export',
    note: 'Alle Berichte lassen sich als Excel- und PDF-Datei exportieren.',
  },
  {
    daysBeforeNow: 490,
    name: 'Release 3.3 – Mobile App',
    note: 'Neue App für iOS und Android mit Offline-Modus.',
  },
  {
    daysBeforeNow: 420,
    name: 'Release 3.4 – HubSpot-Synchronisation',
    note: 'Kontakte und Firmen werden in beide Richtungen mit HubSpot abgeglichen.',
  },
  {
    daysBeforeNow: 350,
    name: 'Release 3.5 – Rollen und Rechte',
    note: 'Feinere Berechtigungen pro Projekt und neue Rolle „Gast“.',
  },
  {
    daysBeforeNow: 300,
    name: 'Release 3.6 – schnellere Suche',
    note: 'Neue Volltextsuche über Projekte, Aufgaben und Dokumente.',
  },
  {
    daysBeforeNow: 240,
    name: DIP_RELEASE_NAME,
    note: 'Umstellung auf das neue Abrechnungssystem: nutzerbasierte Tarife, neues Rechnungslayout, Zahlungsarten im Self-Service.',
  },
  {
    daysBeforeNow: 226,
    name: 'Release 4.0.1 – Hotfix Rechnungsstellung',
    note: 'Behebt doppelte Rechnungen und falsch gezählte Nutzer in der neuen Abrechnung.',
  },
  {
    daysBeforeNow: 205,
    name: 'Release 4.1 – Kostenstellen und Rechnungsarchiv',
    note: 'Kostenstellen und Bestellnummern auf Rechnungen, Archiv aller Rechnungen als PDF.',
  },
  {
    daysBeforeNow: 150,
    name: 'Release 4.2 – Performance',
    note: 'Deutlich kürzere Ladezeiten für große Projekte und Berichte.',
  },
  {
    daysBeforeNow: 90,
    name: 'Release 4.3 – DATEV-Export',
    note: 'Buchungsstapel direkt im DATEV-Format exportieren.',
  },
  {
    daysBeforeNow: 30,
    name: 'Release 4.4 – Berichte-Designer',
    note: 'Eigene Berichte per Drag-and-drop zusammenstellen und automatisch versenden.',
  },
];

// ---------------------------------------------------------------------------------------------
// Comments
// ---------------------------------------------------------------------------------------------

export type Topic =
  | 'support'
  | 'price'
  | 'onboarding'
  | 'reports'
  | 'billing'
  | 'newBilling'
  | 'performance'
  | 'integrations'
  | 'usability'
  | 'general';

export type Sentiment = 'promoter' | 'passive' | 'detractor';

type Cells = Record<Sentiment, readonly string[]>;

export const COMMENT_CORES: Record<DemoLocale, Record<Topic, Cells>> = {
  de: {
    support: {
      promoter: [
        'Der Support antwortet schnell und kompetent, meistens innerhalb von {hours} Stunden.',
        '{agent} aus dem Support hat unser Problem sofort verstanden und gelöst.',
        'Super Support! Mein Ticket war nach {hours} Stunden erledigt.',
        'Der Kundenservice ist freundlich, geduldig und wirklich hilfsbereit.',
        'Beim Support bekommt man eine echte Antwort statt Textbausteinen.',
        'Schnelle Hilfe per Chat, sogar am {weekday} kurz vor Feierabend.',
        'Ich hatte eine Frage zum Import, {agent} hat mir in einem kurzen Call alles erklärt.',
        'Mein Problem war in {hours} Stunden gelöst, und {agent} hat sich danach sogar noch einmal gemeldet.',
      ],
      passive: [
        'Der Support ist nett, aber die Antwort hat {days} Tage gedauert.',
        'Die Hilfe war am Ende gut, der Weg dorthin etwas umständlich.',
        'Beim Support muss man manchmal zweimal nachfragen, bis es klappt.',
        'Die Antwortzeiten schwanken stark, mal {hours} Stunden, mal mehrere Tage.',
        'Telefonisch erreicht man leider niemanden, per E-Mail klappt es meistens.',
        'Das Ticket wurde gelöst, aber erst nachdem ich am {weekday} noch einmal nachgehakt habe.',
      ],
      detractor: [
        'Auf mein Ticket habe ich {days} Tage lang keine Antwort bekommen.',
        'Der Support schickt nur Standardantworten und löst das eigentliche Problem nicht.',
        'Ich wurde dreimal weitergeleitet und musste alles jedes Mal neu erklären.',
        'Kein telefonischer Support, und per E-Mail dauert es ewig.',
        'Das Ticket wurde als gelöst markiert, obwohl der Fehler immer noch auftritt.',
        'Seit {days} Tagen warten wir auf einen Rückruf.',
        'Am {weekday} war unser Konto gesperrt, und niemand vom Support war erreichbar.',
      ],
    },
    price: {
      promoter: [
        'Für den Funktionsumfang ist der Preis absolut fair.',
        'Preis & Leistung stimmen, wir sparen uns damit zwei andere Tools.',
        'Faire Preise, und die Free-Version reicht für den Einstieg völlig.',
        'Gemessen an der Zeit, die wir sparen, hat sich {product} nach wenigen Wochen bezahlt gemacht.',
        'Für {users} Nutzer zahlen wir weniger als früher für unsere alte Lösung.',
      ],
      passive: [
        'Gutes Produkt, aber für kleine Teams auf Dauer recht teuer.',
        'Der Preis pro Nutzer summiert sich bei {users} Leuten ganz schön.',
        'Die Preiserhöhung um {percent} % war ärgerlich, auch wenn das Tool gut ist.',
        'Ein günstigerer Tarif für Vereine und gemeinnützige Organisationen wäre schön.',
        'Der Sprung vom Starter- zum Pro-Tarif ist zu groß.',
      ],
      detractor: [
        'Viel zu teuer für das, was man bekommt.',
        'Die Preiserhöhung um {percent} % kam ohne Vorwarnung, das ist kein fairer Umgang.',
        'Die Free-Version ist so eingeschränkt, dass man sie kaum sinnvoll nutzen kann.',
        'Für {users} Nutzer zahlen wir inzwischen mehr als für unser ERP.',
        'Wichtige Funktionen gibt es nur im teuersten Tarif.',
        'Jedes Jahr teurer, aber kaum neue Funktionen.',
      ],
    },
    onboarding: {
      promoter: [
        'Die Einrichtung war an einem Nachmittag erledigt.',
        '{agent} hat uns beim Onboarding strukturiert und sehr hilfreich begleitet.',
        'Der Import unserer alten Daten hat auf Anhieb funktioniert.',
        'Die Schritt-für-Schritt-Anleitung beim Start ist vorbildlich.',
        'Nach {days} Tagen hatte das ganze Team umgestellt, ganz ohne Schulung.',
      ],
      passive: [
        'Der Start war okay, aber ein paar Erklärvideos mehr hätten geholfen.',
        'Die Ersteinrichtung hat länger gedauert als gedacht, etwa {days} Tage.',
        'Das Onboarding-Webinar war gut, kam aber zu spät für uns.',
        'Beim Import mussten wir einiges von Hand nachbessern.',
        'Die Testphase von 14 Tagen ist für ein Team mit {users} Leuten zu kurz.',
      ],
      detractor: [
        'Der Datenimport ist mehrfach abgebrochen, wir haben {days} Tage verloren.',
        'Beim Onboarding hat uns niemand richtig an die Hand genommen.',
        'Die Dokumentation zur Einrichtung ist veraltet und teilweise falsch.',
        'Nach der Registrierung wusste ich nicht, wo ich anfangen soll.',
        'Der versprochene Onboarding-Termin wurde zweimal verschoben.',
      ],
    },
    reports: {
      promoter: [
        'Die Berichte sind übersichtlich, und der {report} spart mir jede Woche Zeit.',
        'Der Export nach {format} funktioniert zuverlässig, unsere Buchhaltung ist begeistert.',
        'Das Dashboard zeigt auf einen Blick, was wir brauchen.',
        'Endlich Auswertungen, die auch die Geschäftsführung versteht.',
        'Den {report} schicken wir jeden {weekday} direkt an die Geschäftsleitung.',
      ],
      passive: [
        'Die Berichte sind gut, aber man kann sie kaum anpassen.',
        'Der {report} ist hilfreich, ein automatischer Versand per E-Mail fehlt noch.',
        'Beim Export nach {format} gehen Umlaute und Sonderzeichen manchmal kaputt.',
        'Mehr Filter in den Auswertungen wären schön.',
        'Der Export nach {format} ist okay, aber die Spalten muss ich jedes Mal neu sortieren.',
      ],
      detractor: [
        'Der Export nach {format} ist seit Wochen fehlerhaft, die Zahlen stimmen nicht.',
        'Ohne vernünftige Berichte können wir {product} dem Management nicht verkaufen.',
        'Der {report} lädt ewig und bricht bei großen Zeiträumen ab.',
        'Für jede Auswertung muss ich die Daten erst nach Excel exportieren.',
      ],
    },
    billing: {
      promoter: [
        'Die Rechnungen sind klar und kommen pünktlich.',
        'Tarifwechsel und Rechnungen laufen völlig problemlos.',
        'Zahlung per SEPA-Lastschrift, alles unkompliziert.',
      ],
      passive: [
        'Die Rechnungen könnten übersichtlicher sein.',
        'Zahlung auf Rechnung statt per Kreditkarte wäre für uns einfacher.',
        'Eine Bestellnummer auf der Rechnung würde unserer Buchhaltung helfen.',
      ],
      detractor: [
        'Wir wurden doppelt abgebucht und warten seit {days} Tagen auf die Gutschrift.',
        'Rechnungen ohne Bestellnummer akzeptiert unsere Buchhaltung nicht.',
        'Die Kündigung zum Monatsende war unnötig kompliziert.',
      ],
    },
    newBilling: {
      promoter: [
        'Die neue Abrechnung hatte anfangs Macken, inzwischen läuft sie gut.',
        'Mit dem neuen Rechnungsarchiv finde ich endlich alle Belege an einem Ort.',
        'Nach dem Update der Abrechnung ist der Tarifwechsel viel einfacher.',
        'Die Probleme mit der neuen Abrechnung wurden schnell behoben, das rechne ich Ihnen hoch an.',
      ],
      passive: [
        'Die neue Abrechnung ist gewöhnungsbedürftig, vieles ist jetzt woanders.',
        'Seit der Umstellung auf die neue Abrechnung fehlt die Kostenstelle auf der Rechnung.',
        'Die Umstellung der Abrechnung hätte man besser ankündigen können.',
        'Die neue Rechnungsübersicht ist schick, aber die Beträge sind schwer nachzuvollziehen.',
        'Die „neue“ Abrechnung kostet uns für {users} Nutzer spürbar mehr als vorher.',
      ],
      detractor: [
        'Seit der neuen Abrechnung stimmen unsere Rechnungen nicht mehr.',
        'Nach dem Release 4.0 wurden wir für {users} Nutzer abgerechnet, obwohl wir viel weniger haben.',
        'Die neue Abrechnung ist ein Chaos: falsche Beträge, fehlende Umsatzsteuer-ID.',
        'Seit dem Update bekommen wir jeden Monat zwei Rechnungen.',
        'Die Umstellung auf die neue Abrechnung hat unsere Buchhaltung {days} Tage gekostet.',
        'Wir wurden mit der neuen Abrechnung ungefragt in einen teureren Tarif verschoben.',
        'Rechnungen lassen sich seit der neuen Abrechnung nicht mehr als PDF herunterladen.',
        'Die neue Abrechnung hat unsere Kreditkarte gleich dreimal belastet.',
      ],
    },
    performance: {
      promoter: [
        '{product} ist schnell, auch mit großen Projekten.',
        'Seit dem letzten Update lädt alles deutlich flotter.',
        'Läuft stabil, Ausfälle hatten wir in {months} Monaten keine.',
      ],
      passive: [
        'Die {page} lädt manchmal mehrere Sekunden.',
        'Meistens schnell, aber morgens um neun wird es zäh.',
        'Die mobile App könnte flüssiger laufen.',
        'Bei über {users} Projekten wird die {page} merklich langsamer.',
      ],
      detractor: [
        'Die {page} braucht oft {seconds} Sekunden zum Laden, im Alltag ist das unbrauchbar.',
        'Wir hatten diesen Monat schon zwei Ausfälle.',
        'Ständig Zeitüberschreitungen beim Speichern.',
        'Mit {users} Nutzern wird das System unerträglich langsam.',
        'Am {weekday} war {product} den halben Vormittag nicht erreichbar.',
      ],
    },
    integrations: {
      promoter: [
        'Die Integration mit {integration} spart uns viel Handarbeit.',
        'Die API ist gut dokumentiert, die Anbindung an {integration} lief reibungslos.',
        'Dass sich {product} mit {integration} verbinden lässt, war für uns entscheidend.',
      ],
      passive: [
        'Die Anbindung an {integration} funktioniert, synchronisiert aber nur einmal pro Stunde.',
        'Uns fehlt noch eine direkte Integration mit {integration}.',
        'Die Schnittstelle zu {integration} ist okay, könnte aber mehr Felder übertragen.',
      ],
      detractor: [
        'Die Synchronisation mit {integration} bricht regelmäßig ab.',
        'Ohne Integration mit {integration} ist das Tool für uns nur halb so viel wert.',
        'Seit dem Update werden Daten nach {integration} doppelt übertragen.',
        'Die versprochene {integration}-Integration gibt es nach {months} Monaten immer noch nicht.',
      ],
    },
    usability: {
      promoter: [
        'Intuitiv zu bedienen, auch für Kolleginnen und Kollegen ohne Technikaffinität.',
        'Die Oberfläche ist aufgeräumt und logisch.',
        'Ich finde alles auf Anhieb, die Suche ist klasse.',
        'Sehr durchdachte Tastenkürzel, damit arbeite ich doppelt so schnell.',
        'Auch unsere älteren Kollegen kamen nach {days} Tagen gut zurecht.',
      ],
      passive: [
        'Manche Einstellungen sind zu tief in den Menüs versteckt.',
        'Ein Dunkelmodus wäre schön.',
        'Für Neulinge ist die Oberfläche anfangs etwas überladen.',
        'Die Rechteverwaltung ist umständlich, wenn man {users} Nutzer hat.',
        'Die {page} könnte übersichtlicher sein.',
      ],
      detractor: [
        'Die Bedienung ist umständlich, für einfache Dinge braucht man zu viele Klicks.',
        'Nach dem letzten Redesign finde ich nichts mehr.',
        'Auf dem Handy ist die Seite praktisch nicht bedienbar.',
        'Unübersichtlich und verwirrend, unsere Mitarbeiter nutzen es ungern.',
        'Die {page} ist ein einziges Durcheinander.',
      ],
    },
    general: {
      promoter: [
        'Tolles Produkt, wir möchten es nicht mehr missen.',
        'Macht genau, was es soll.',
        'Wir arbeiten seit {months} Monaten damit und sind rundum zufrieden.',
        'Das beste Tool dieser Art, das wir bisher getestet haben.',
        'Hat unsere Abläufe im Team spürbar vereinfacht.',
      ],
      passive: [
        'Solide, aber nichts Besonderes.',
        'Erfüllt seinen Zweck, es gibt aber noch Luft nach oben.',
        'Grundsätzlich zufrieden, im Detail hakt es an einigen Stellen.',
        'Für unsere {users} Leute reicht es, begeistert sind wir aber nicht.',
      ],
      detractor: [
        'Wir sind insgesamt enttäuscht und prüfen Alternativen.',
        'Es hat sich seit Monaten nichts verbessert.',
        'Versprochene Funktionen kommen seit über einem Jahr nicht.',
        'Nach {months} Monaten überwiegt leider der Frust.',
      ],
    },
  },
  en: {
    support: {
      promoter: [
        'Support is fast and knowledgeable, usually within {hours} hours.',
        '{agent} from your support team understood our problem right away and fixed it.',
        'Great support! My ticket was solved in {hours} hours.',
        'Customer service is friendly, patient and genuinely helpful.',
        'You get a real answer from support instead of canned replies.',
        'Quick help via chat, even on a {weekday} late in the afternoon.',
        'I had a question about the import and {agent} walked me through it in a short call.',
      ],
      passive: [
        'Support is nice, but the answer took {days} days.',
        'The help was good in the end, getting there was a bit cumbersome.',
        'Sometimes you have to ask support twice before it works.',
        'Response times vary a lot: sometimes {hours} hours, sometimes several days.',
        'There is no phone support, email mostly works.',
      ],
      detractor: [
        'I did not get any reply to my ticket for {days} days.',
        'Support only sends canned answers and never fixes the actual problem.',
        'I was passed on three times and had to explain everything again each time.',
        'No phone support, and email takes forever.',
        'The ticket was marked as solved although the bug still happens.',
        'We have been waiting {days} days for a call back.',
      ],
    },
    price: {
      promoter: [
        'The price is absolutely fair for what you get.',
        'Great value for money, it replaced two other tools for us.',
        'Fair pricing, and the free plan is plenty to get started.',
        'Given the time we save, {product} paid for itself within a few weeks.',
      ],
      passive: [
        'Good product, but quite expensive for small teams in the long run.',
        'The per-seat price adds up quickly with {users} people.',
        'The {percent}% price increase was annoying, even though the tool is good.',
        'A cheaper plan for non-profits would be nice.',
        'The jump from Starter to Pro is too big.',
      ],
      detractor: [
        'Far too expensive for what you get.',
        'The {percent}% price increase came without warning. Not fair.',
        'The free plan is so limited that it is practically useless.',
        'For {users} users we now pay more than for our ERP.',
        'Important features are only available on the most expensive plan.',
      ],
    },
    onboarding: {
      promoter: [
        'Setup was done in one afternoon.',
        'The onboarding with {agent} was well structured and very helpful.',
        'Importing our old data worked on the first try.',
        'The step-by-step guide at the start is excellent.',
        'After {days} days the whole team had switched over, no training needed.',
      ],
      passive: [
        'Getting started was fine, but a few more tutorial videos would have helped.',
        'The initial setup took longer than expected, about {days} days.',
        'The onboarding webinar was good but came too late for us.',
        'We had to fix quite a lot by hand after the import.',
      ],
      detractor: [
        'The data import failed several times and we lost {days} days.',
        'Nobody really guided us through the onboarding.',
        'The setup documentation is outdated and partly wrong.',
        "After signing up I didn't know where to start.",
      ],
    },
    reports: {
      promoter: [
        'Reports are clear, and the {report} saves me time every week.',
        'The {format} export works reliably, our finance team loves it.',
        'The dashboard shows what we need at a glance.',
        'Finally reports that even our management understands.',
      ],
      passive: [
        'Reports are good but hard to customise.',
        'The {report} is useful, but scheduled email delivery is still missing.',
        'The {format} export sometimes breaks special characters.',
        'More filters in the reports would be nice.',
      ],
      detractor: [
        'The {format} export has been broken for weeks, the numbers are wrong.',
        "Without proper reporting we can't sell {product} to our management.",
        'The {report} takes forever to load and fails for long date ranges.',
        'For every analysis I have to export the data to Excel first.',
      ],
    },
    billing: {
      promoter: [
        'Invoices are clear and always on time.',
        'Changing plans and paying is completely painless.',
      ],
      passive: [
        'The invoices could be clearer.',
        'Paying by bank transfer instead of credit card would be easier for us.',
        'A PO number on the invoice would help our accounts team.',
      ],
      detractor: [
        'We were charged twice and have been waiting {days} days for the refund.',
        'Our accounts team rejects invoices without a PO number.',
      ],
    },
    newBilling: {
      promoter: [
        'The new billing had teething problems, but it works well now.',
        'With the new invoice archive I finally find all receipts in one place.',
        'Since the billing update, changing plans is much easier.',
      ],
      passive: [
        'The new billing takes some getting used to, a lot has moved.',
        'Since the switch to the new billing, the cost centre is missing from our invoices.',
        'The billing change could have been announced better.',
        'The new invoice overview looks nice, but the amounts are hard to follow.',
      ],
      detractor: [
        'Since the new billing our invoices are wrong.',
        'After release 4.0 we were billed for {users} seats although we have far fewer.',
        'The new billing is a mess: wrong amounts, missing VAT ID.',
        'Since the update we get two invoices every month.',
        'The switch to the new billing cost our finance team {days} days.',
        'With the new billing we were moved to a more expensive plan without being asked.',
        'Since the new billing, invoices can no longer be downloaded as PDF.',
      ],
    },
    performance: {
      promoter: [
        '{product} is fast, even with big projects.',
        'Everything loads much faster since the last update.',
        'Rock solid, no outages in {months} months.',
      ],
      passive: [
        'The {page} sometimes takes a few seconds to load.',
        'Usually fast, but it gets sluggish at 9 am.',
        'The mobile app could be smoother.',
      ],
      detractor: [
        'The {page} often takes {seconds} seconds to load, which is unusable day to day.',
        'We already had two outages this month.',
        'Constant timeouts when saving.',
        'With {users} users the system becomes unbearably slow.',
      ],
    },
    integrations: {
      promoter: [
        'The {integration} integration saves us a lot of manual work.',
        'The API is well documented and connecting {integration} was painless.',
        'Being able to connect {product} to {integration} was the deciding factor for us.',
      ],
      passive: [
        'The {integration} connection works but only syncs once an hour.',
        'We are still missing a native {integration} integration.',
        'The {integration} integration is okay but could sync more fields.',
      ],
      detractor: [
        'The {integration} sync keeps failing.',
        'Without a proper {integration} integration the tool is worth half as much to us.',
        'Since the update, data is sent to {integration} twice.',
      ],
    },
    usability: {
      promoter: [
        'Intuitive to use, even for colleagues who are not tech-savvy.',
        'The interface is clean and logical.',
        'I find everything right away, the search is great.',
        'Well thought-out keyboard shortcuts, I work twice as fast.',
      ],
      passive: [
        'Some settings are hidden too deep in the menus.',
        'A dark mode would be nice.',
        'The interface is a bit overwhelming for new users.',
        'Managing permissions is tedious when you have {users} users.',
      ],
      detractor: [
        'Clunky to use, too many clicks for simple things.',
        "Since the last redesign I can't find anything.",
        'On a phone the site is practically unusable.',
        'Confusing and cluttered, our staff avoid using it.',
      ],
    },
    general: {
      promoter: [
        "Great product, we wouldn't want to work without it.",
        'Does exactly what it should.',
        'We have been using it for {months} months and are very happy.',
        'The best tool of its kind we have tried.',
      ],
      passive: [
        'Solid, but nothing special.',
        'Does the job, but there is room for improvement.',
        'Happy overall, but there are rough edges here and there.',
      ],
      detractor: [
        'Overall we are disappointed and are looking at alternatives.',
        'Nothing has improved for months.',
        'Promised features have been "coming soon" for over a year.',
      ],
    },
  },
};

export const COMMENT_OPENERS: Record<DemoLocale, Cells> = {
  de: {
    promoter: [
      'Insgesamt sehr zufrieden.',
      'Klare Empfehlung!',
      'Wir sind begeistert.',
      'Top!',
      'Ein großes Lob an das Team.',
      'Bin sehr zufrieden.',
      'Was soll ich sagen: läuft.',
    ],
    passive: [
      'Im Großen und Ganzen okay.',
      'Gute Basis.',
      'Ganz ordentlich.',
      'Nicht schlecht, aber noch nicht perfekt.',
      'Grundsätzlich zufrieden.',
      'Gemischte Gefühle.',
    ],
    detractor: [
      'Leider enttäuschend.',
      'Ehrlich gesagt bin ich frustriert.',
      'So geht das nicht.',
      'Schade.',
      'Wir sind gar nicht zufrieden.',
      'Ärgerlich.',
    ],
  },
  en: {
    promoter: [
      'Very happy overall.',
      'Highly recommended!',
      'We love it.',
      'Brilliant!',
      'Big thanks to the team.',
      'Really pleased.',
    ],
    passive: [
      'Mostly fine.',
      'A good foundation.',
      'Pretty decent.',
      'Not bad, but not perfect yet.',
      'Mixed feelings.',
    ],
    detractor: [
      'Disappointing.',
      'Honestly, I am frustrated.',
      'This is not acceptable.',
      'Such a shame.',
      'Not happy at all.',
    ],
  },
};

export const COMMENT_DETAILS: Record<DemoLocale, readonly string[]> = {
  de: [
    'Wir nutzen {product} mit {users} Leuten im Team.',
    'Wir sind seit {months} Monaten Kunde.',
    'Ich bin im Vertrieb tätig und nutze es täglich.',
    'Im Team nutzen wir es vor allem für die Projektplanung.',
    'Vorher haben wir alles mit Excel gemacht.',
    'Ich nutze es meistens auf dem Tablet.',
    'Wir sind eine kleine Agentur mit {users} Mitarbeitenden.',
    'Bei uns arbeiten Vertrieb, Buchhaltung und Technik damit.',
  ],
  en: [
    'We use {product} with {users} people on the team.',
    'We have been a customer for {months} months.',
    'I work in sales and use it every day.',
    'Our team mostly uses it for project planning.',
    'Before this we did everything in spreadsheets.',
    'I mostly use it on my tablet.',
    'We are a small agency with {users} employees.',
  ],
};

export const COMMENT_CLOSERS: Record<DemoLocale, Cells> = {
  de: {
    promoter: [
      'Weiter so!',
      'Danke an das ganze Team.',
      'Haben wir schon zwei Partnerfirmen empfohlen.',
      'Macht weiter so :)',
      'Vielen Dank!',
      'Gerne weiter so.',
    ],
    passive: [
      'Dann gäbe es auch eine 10.',
      'Mit etwas Feinschliff wäre es perfekt.',
      'Wir bleiben erst einmal dabei.',
      'Bin gespannt auf die nächsten Updates.',
      'Ansonsten passt es.',
    ],
    detractor: [
      'Bitte dringend nachbessern.',
      'Wenn sich nichts ändert, kündigen wir.',
      'Wir schauen uns gerade Alternativen an.',
      'Sehr ärgerlich.',
      'Ich erwarte eine Rückmeldung.',
      'So kann ich {product} niemandem empfehlen.',
    ],
  },
  en: {
    promoter: [
      'Keep it up!',
      'Thanks to the whole team.',
      'Already recommended it to two partners.',
      'Keep up the good work :)',
      'Thank you!',
    ],
    passive: [
      "Fix that and it's a 10.",
      'With some polish it would be perfect.',
      'We are staying for now.',
      'Looking forward to the next updates.',
    ],
    detractor: [
      'Please fix this urgently.',
      'If nothing changes we will cancel.',
      'We are looking at alternatives.',
      'Very annoying.',
      'I expect a reply.',
      "I can't recommend {product} like this.",
    ],
  },
};

/** Very short comments; these repeat, as they do in real data. */
export const SHORT_COMMENTS: Record<DemoLocale, Cells> = {
  de: {
    promoter: [
      'Top!',
      'Super Tool.',
      'Alles bestens.',
      'Läuft.',
      'Sehr gut!',
      'Passt!',
      'Klasse Support!',
      'Gefällt mir sehr.',
    ],
    passive: ['Ganz okay.', 'Geht so.', 'Ausbaufähig.', 'Solide.', 'Ist in Ordnung.', 'Zu teuer, sonst gut.'],
    detractor: [
      'Zu teuer.',
      'Zu langsam.',
      'Enttäuschend.',
      'Support schlecht.',
      'Nicht zu gebrauchen.',
      'Rechnung falsch!',
    ],
  },
  en: {
    promoter: ['Great!', 'Love it.', 'Works great.', 'Excellent support!', 'Very good.'],
    passive: ['Okay.', 'Fine.', 'Could be better.', 'Decent.'],
    detractor: ['Too expensive.', 'Too slow.', 'Disappointing.', 'Bad support.', 'Invoice wrong!'],
  },
};

export const FILLERS: Record<
  DemoLocale,
  Record<'agent' | 'weekday' | 'report' | 'page', readonly string[]>
> = {
  de: {
    agent: [
      'Frau Keller',
      'Herr Yilmaz',
      'Frau Nowak',
      'Herr Brandt',
      'Frau Lindner',
      'Herr Öztürk',
      'Frau Schäfer',
      'Herr Kühn',
    ],
    weekday: ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag'],
    report: [
      'Monatsbericht',
      'Umsatzbericht',
      'Projektbericht',
      'Auslastungsbericht',
      'Zeitbericht',
      'Wochenbericht',
    ],
    page: [
      'Projektübersicht',
      'Startseite',
      'Rechnungsliste',
      'Kundenliste',
      'Zeiterfassung',
      'Aufgabenliste',
      'Suche',
    ],
  },
  en: {
    agent: ['Anna', 'Mehmet', 'Sophie', 'Jonas', 'Lea', 'Tom', 'Priya', 'Ben'],
    weekday: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
    report: [
      'monthly report',
      'revenue report',
      'project report',
      'utilisation report',
      'timesheet report',
      'weekly report',
    ],
    page: [
      'project overview',
      'home page',
      'invoice list',
      'customer list',
      'time tracking page',
      'task list',
      'search',
    ],
  },
};

export const INTEGRATIONS = [
  'Slack',
  'Microsoft Teams',
  'HubSpot',
  'Salesforce',
  'Pipedrive',
  'DATEV',
  'lexoffice',
  'Zapier',
  'Outlook',
  'Google Workspace',
  'Jira',
] as const;

export const EXPORT_FORMATS = ['CSV', 'Excel', 'PDF', 'DATEV'] as const;

/** The one comment that looks like markup, to exercise escaping downstream. */
export const HTML_COMMENT = '<b>Super</b> Support, vielen Dank an Frau Keller!';
