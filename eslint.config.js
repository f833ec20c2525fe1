import tseslint from 'typescript-eslint';

const DB_OUT_OF_ROUTES = [
  { group: ['#db/*', '**/db/*', '!#db/client'], message: 'Routes call services/, never the database.' },
  { group: ['drizzle-orm', 'drizzle-orm/*', 'pg', '@electric-sql/*'], message: 'Routes call services/, never the database.' },
];
const ONE_BODY_READER = 'Read bodies with readFormData (app/utils/form-data.server.ts): it answers a body that is not a form with a 4xx, not a 500.';

export default tseslint.config(
  { ignores: ['build/**', 'public/build/**', 'node_modules/**', '.cache/**', '.data/**', 'db/migrations/**', 'tests/e2e/artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Routes parse, authorize, call services/ and render: the database stays out of them.
    files: ['app/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: DB_OUT_OF_ROUTES,
          paths: [{ name: '@remix-run/node', importNames: ['unstable_parseMultipartFormData'], message: ONE_BODY_READER }],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='formData']", message: ONE_BODY_READER },
      ],
    },
  },
  {
    // The one body reader itself.
    files: ['app/utils/form-data.server.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: DB_OUT_OF_ROUTES }],
      'no-restricted-syntax': 'off',
    },
  },
  {
    // Dates belong to China Standard Time whatever the server's zone: days through
    // services/calendar/working-days.ts (chinaDate), display through app/components/application/format.ts
    // (timeZone Asia/Shanghai). Date methods that read the process's zone are how the other answer
    // creeps in (a notice once printed the UTC day of receipt).
    files: ['app/**/*.{ts,tsx}', 'services/**/*.ts', 'server/**/*.ts', 'db/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['getDate', 'getDay', 'getHours', 'getMinutes', 'getMonth', 'getFullYear', 'getTimezoneOffset', 'setDate', 'setHours', 'setMinutes', 'setMonth', 'setFullYear', 'toLocaleDateString', 'toLocaleTimeString', 'toLocaleString', 'toDateString', 'toTimeString'].map(
          (property) => ({ property, message: "Reads the server's time zone: use chinaDate (services/calendar/working-days.ts) or formatDay/formatInstant." }),
        ),
      ],
    },
  },
  {
    // The domain layer is framework-free.
    files: ['services/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@remix-run/*', 'react', 'react-dom', '~/*'], message: 'services/ must not depend on Remix or React.' }] }],
    },
  },
);
