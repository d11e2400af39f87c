/** The pure NPS engine: scores and categories, intervals and significance, trend buckets. */
export * from './nps';
export * from './stats';
export * from './trend';
