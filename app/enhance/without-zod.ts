/**
 * Stands in for zod in the pages' own scripts (scripts/build-enhancements.ts), where it would be
 * two thirds of the apply form's script for nothing: the script asks a definition only its
 * conditions (`showWhen`, `materialRequired`), never its schema. A few modules build a schema or
 * set zod's error map as they load (services/validation), so building is inert here: every
 * property and call gives this same stand-in. Validating throws, so a condition that ever came
 * to need zod fails loudly in tests/integration/enhancement-rules.test.ts instead of answering wrong.
 */
const VALIDATING = new Set<string | symbol>(['parse', 'safeParse', 'parseAsync', 'safeParseAsync', 'spa']);

function absent(): never {
  throw new Error('zod is not bundled into the pages’ own scripts: only the definitions’ conditions run there');
}

export const z: unknown = new Proxy(function inert() {}, {
  get: (_target, key) => (VALIDATING.has(key) ? absent : z),
  apply: () => z,
  construct: () => z as object,
});
export default z;
