/**
 * Fastify's JSON-schema compilers (Ajv for validation, fast-json-stringify for replies), loaded the first
 * time a route declares a schema instead of when the app is built. Keen's own routes declare none, and
 * loading both was about 70 ms of every worker's start.
 *
 * One difference from Fastify's defaults follows from passing compilers at all: Fastify treats them as
 * custom and no longer lower-cases the keys of a `headers` schema, so an app that validates headers
 * writes their names in lower case (as Node gives them).
 */
import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>;
type BuildValidator = NonNullable<CompilersFactory['buildValidator']>;
type BuildSerializer = NonNullable<CompilersFactory['buildSerializer']>;

// Resolved from Fastify's own folder: they are its dependencies, in the versions it expects.
const requireFromFastify = () => createRequire(createRequire(import.meta.url).resolve('fastify'));

export const lazySchemaCompilers: CompilersFactory = {
  buildValidator: (...args: Parameters<BuildValidator>) => {
    const selectValidator = requireFromFastify()('@fastify/ajv-compiler') as () => BuildValidator;
    return selectValidator()(...args);
  },
  buildSerializer: (...args: Parameters<BuildSerializer>) => {
    const selectSerializer = requireFromFastify()(
      '@fastify/fast-json-stringify-compiler',
    ) as () => BuildSerializer;
    return selectSerializer()(...args);
  },
};
