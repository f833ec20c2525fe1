export * from './people.js';
export * from './calendar.js';
export * from './applications.js';
export * from './review.js';
export * from './security.js';
export * from './ratings.js';
export * from './reports.js';
export * from './documents.js';
