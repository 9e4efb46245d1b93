/**
 * Every app's tables in one module: drizzle-kit reads it to write migrations, and the typed
 * database client is built from it. An app adds its schema here when it is installed.
 */

export * from '../apps/blog/schema.js';
export * from '../apps/resume/schema.js';
export * from '../apps/site/schema.js';
export * from '../contrib/admin/schema.js';
export * from '../contrib/auth/schema.js';
export * from '../contrib/auth/two-factor/schema.js';
export * from '../contrib/cache/schema.js';
export * from '../contrib/redirects/schema.js';
export * from '../contrib/sessions/schema.js';
