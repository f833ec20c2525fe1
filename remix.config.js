/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ['**/.*', '**/*.test.{ts,tsx}'],
  serverModuleFormat: 'esm',
  future: { v3_fetcherPersist: true, v3_relativeSplatPath: true, v3_throwAbortReason: true, v3_lazyRouteDiscovery: true },
  // The service layer and locales live outside app/; bundle them so the server build is self-contained.
  watchPaths: ['./services/**/*', './locales/**/*'],
  // REMIX_BUILD_DIR builds somewhere else than build/ and public/build: the served-bytes test
  // (tests/integration/served-bytes.test.ts) builds its own copy without touching the app's.
  ...(process.env.REMIX_BUILD_DIR && {
    serverBuildPath: `${process.env.REMIX_BUILD_DIR}/index.js`,
    assetsBuildDirectory: `${process.env.REMIX_BUILD_DIR}/public`,
  }),
};
