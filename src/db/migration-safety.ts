/**
 * Migrations that would lock the site: the statements PostgreSQL runs under a lock that stops reads or
 * writes of a table for as long as it scans or rewrites it, or that break the workers still running
 * the previous release during a rolling reload. Each finding comes with the safe way to do the same
 * (in the spirit of Ruby's strong_migrations). Statements on a table the same migration creates are
 * never flagged: it is new and empty.
 *
 * A statement the author has judged safe (a table known to be small) is marked inside its chunk of the
 * migration file with `-- keen:unsafe-ok <reason>`; the reason is required.
 */
import type { MigrationFile } from './migrate.js';

/** Migrations up to this one were written before the check existed and have run everywhere. */
export const CHECKED_AFTER = '0008_redirects';

export interface UnsafeOperation {
  migration: string;
  /** The statement, shortened for the report. */
  statement: string;
  problem: string;
  recipe: string;
}

interface Rule {
  /** Matches the statement (comments removed, whitespace collapsed, upper-case keywords kept as written). */
  test: (sql: string) => boolean;
  problem: string;
  recipe: string;
}

const VOLATILE_DEFAULT =
  /\bDEFAULT\s+\(?\s*(gen_random_uuid|uuid_generate_v4|random|clock_timestamp|timeofday)\s*\(/i;

const RULES: Rule[] = [
  {
    test: (s) => /\bADD COLUMN\b/i.test(s) && /\bNOT NULL\b/i.test(s) && !/\bDEFAULT\b/i.test(s),
    problem: 'adds a NOT NULL column without a default: it fails on a table that has rows',
    recipe:
      'add the column with a default (PostgreSQL 11+ stores it without rewriting the table), or add it nullable, backfill it in batches, then make it NOT NULL as below',
  },
  {
    test: (s) => /\bADD COLUMN\b/i.test(s) && VOLATILE_DEFAULT.test(s),
    problem: 'adds a column whose default is volatile: the whole table is rewritten under an exclusive lock',
    recipe:
      'add the column without a default, set the default for new rows, and backfill old rows in batches',
  },
  {
    test: (s) => /\bADD COLUMN\b/i.test(s) && /\bGENERATED ALWAYS AS\b[\s\S]*\bSTORED\b/i.test(s),
    problem: 'adds a stored generated column: the whole table is rewritten under an exclusive lock',
    recipe:
      'add a plain nullable column kept up to date by the application (or a trigger), backfill it in batches, then switch reads to it',
  },
  {
    test: (s) => /\bALTER COLUMN\b[\s\S]*\bSET NOT NULL\b/i.test(s),
    problem: 'SET NOT NULL scans the whole table while it blocks reads and writes',
    recipe:
      'first ADD CONSTRAINT … CHECK (column IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT in a later migration (it does not block writes); SET NOT NULL after that uses the constraint and does not scan',
  },
  {
    test: (s) => /\bALTER COLUMN\b[\s\S]*\b(SET DATA TYPE|TYPE)\b/i.test(s) && !isWidening(s),
    problem: 'changing a column type rewrites the table (and its indexes) under an exclusive lock',
    recipe:
      'expand and contract: add a new column, write both, backfill in batches, switch reads, then drop the old one (widening varchar(n) to a longer varchar or to text is safe)',
  },
  {
    test: (s) => /\bRENAME\b/i.test(s),
    problem: 'renaming breaks the workers still running the previous release during a rolling reload',
    recipe:
      'expand and contract: add the new column or table, write both from the code, backfill, switch reads, and drop the old one in a later release',
  },
  {
    test: (s) => /\bDROP COLUMN\b/i.test(s),
    problem:
      'the workers still running the previous release select this column and fail until they are replaced',
    recipe: 'release the code that no longer uses the column first; drop it in a later release',
  },
  {
    test: (s) => /\bCREATE (UNIQUE )?INDEX\b/i.test(s) && !/\bCONCURRENTLY\b/i.test(s),
    problem: 'CREATE INDEX blocks every write to the table until the index is built',
    recipe:
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS, alone in its migration (keen migrate runs such a migration outside a transaction)',
  },
  {
    test: (s) => /\bDROP INDEX\b/i.test(s) && !/\bCONCURRENTLY\b/i.test(s),
    problem: 'DROP INDEX blocks reads and writes of the table while it waits for its lock',
    recipe: 'DROP INDEX CONCURRENTLY IF EXISTS, alone in its migration',
  },
  {
    test: (s) => /\bADD CONSTRAINT\b[\s\S]*\b(FOREIGN KEY|CHECK)\b/i.test(s) && !/\bNOT VALID\b/i.test(s),
    problem: 'adding a foreign key or check constraint scans the whole table while it blocks writes',
    recipe:
      'ADD CONSTRAINT … NOT VALID (instant), then ALTER TABLE … VALIDATE CONSTRAINT in a later migration, which does not block writes',
  },
];

/** varchar(n) → varchar(m ≥ n) or text: PostgreSQL changes only the catalogue. */
function isWidening(statement: string): boolean {
  return /\bTYPE\s+(text|varchar(\(\d+\))?|character varying(\(\d+\))?)\s*;?\s*$/i.test(statement);
}

/** The table a statement works on (ALTER TABLE / CREATE INDEX … ON / DROP INDEX has none we can tell). */
function tableOf(statement: string): string | null {
  const quoted = (name: string) => name.replace(/"/g, '').replace(/^public\./, '');
  const alter = /\bALTER TABLE\s+(?:IF EXISTS\s+)?(?:ONLY\s+)?("?[\w.]+"?(?:\."?\w+"?)?)/i.exec(statement);
  if (alter?.[1]) return quoted(alter[1]);
  const index = /\bINDEX\b[\s\S]*?\bON\s+(?:ONLY\s+)?("?[\w.]+"?(?:\."?\w+"?)?)/i.exec(statement);
  return index?.[1] ? quoted(index[1]) : null;
}

const ACKNOWLEDGED = /--[ \t]*keen:unsafe-ok[ \t]+\S/;

/** The statement without its SQL comments, for matching. */
function withoutComments(statement: string): string {
  return statement
    .replace(/--[^\n]*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The unsafe operations of one migration that its author has not marked as judged safe. */
export function unsafeOperations(file: MigrationFile): UnsafeOperation[] {
  const created = new Set<string>();
  const found: UnsafeOperation[] = [];
  for (const statement of file.statements) {
    const sql = withoutComments(statement);
    const table = /\bCREATE TABLE\s+(?:IF NOT EXISTS\s+)?("?[\w.]+"?(?:\."?\w+"?)?)/i.exec(sql)?.[1];
    if (table) {
      created.add(table.replace(/"/g, '').replace(/^public\./, ''));
      continue;
    }
    const target = tableOf(sql);
    if (target && created.has(target)) continue;
    if (ACKNOWLEDGED.test(statement)) continue;
    for (const rule of RULES) {
      if (rule.test(sql)) {
        found.push({
          migration: file.name,
          statement: sql.length > 160 ? `${sql.slice(0, 157)}…` : sql,
          problem: rule.problem,
          recipe: rule.recipe,
        });
      }
    }
  }
  return found;
}

/** The migrations after {@link CHECKED_AFTER} (by the journal's order). */
export function checkedMigrations(files: readonly MigrationFile[]): MigrationFile[] {
  const start = files.findIndex((file) => file.name === CHECKED_AFTER);
  return files.slice(start + 1);
}

/** The report's lines for a list of findings. */
export function describeUnsafe(findings: readonly UnsafeOperation[]): string {
  return findings
    .map(
      (finding) =>
        `unsafe: ${finding.migration}: ${finding.statement}\n  ${finding.problem}\n  safe way: ${finding.recipe}\n`,
    )
    .join('');
}

/** True when a statement cannot run inside a transaction block (keen migrate runs its file outside one). */
export function needsOwnTransaction(statement: string): boolean {
  return /\b(CREATE|DROP)\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY\b/i.test(withoutComments(statement));
}
