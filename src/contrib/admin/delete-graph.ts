/**
 * The foreign-key graph the deletion plan walks (./delete-plan.ts): each table's identity, the columns
 * its rows are read by, and the foreign keys of any table that point at it, with their ON DELETE rule.
 */
import { getTableColumns, getTableName } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { storedFileKindOf } from '../media/fields.js';
import type { ForeignKeyAction } from './fields.js';

export interface TableNode {
  table: PgTable;
  name: string;
  /** The primary key's columns; every column for a table without a primary key. */
  identity: PgColumn[];
  /** Foreign keys (of any table, this one included) that point at this table. */
  incoming: ForeignKeyEdge[];
  /** Columns read for each deleted row: the identity, and every column a foreign key points at. */
  tracked: PgColumn[];
  fileColumns: PgColumn[];
  /** Every column with its property name, for the rows handed to `describe`. */
  propertyOf: Map<PgColumn, string>;
}

export interface ForeignKeyEdge {
  child: TableNode;
  childColumns: PgColumn[];
  parentColumns: PgColumn[];
  action: ForeignKeyAction;
  /** `set null` on a NOT NULL column fails like `restrict` does. */
  fails: boolean;
}

/** Reads every foreign key of `tables`; returns the node of a table (built on first use). */
export function buildGraph(tables: readonly PgTable[], target: PgTable): (table: PgTable) => TableNode {
  const nodes = new Map<PgTable, TableNode>();
  const nodeOf = (table: PgTable): TableNode => {
    let node = nodes.get(table);
    if (!node) {
      const config = getTableConfig(table);
      const propertyOf = new Map(
        Object.entries(getTableColumns(table)).map(([property, column]) => [column as PgColumn, property]),
      );
      const single = config.columns.filter((column) => column.primary);
      const composite = (config.primaryKeys[0]?.columns ?? []).map((column) => ownColumn(table, column));
      const identity = single.length > 0 ? single : composite.length > 0 ? composite : [...config.columns];
      node = {
        table,
        name: getTableName(table),
        identity,
        incoming: [],
        tracked: [...identity],
        fileColumns: config.columns.filter((column) => storedFileKindOf(column) !== undefined),
        propertyOf,
      };
      nodes.set(table, node);
    }
    return node;
  };
  for (const table of new Set([...tables, target])) {
    for (const foreignKey of getTableConfig(table).foreignKeys) {
      const reference = foreignKey.reference();
      const action = (foreignKey.onDelete ?? 'no action') as ForeignKeyAction;
      const parent = nodeOf(reference.foreignTable);
      const childColumns = reference.columns.map((column) => ownColumn(table, column));
      const parentColumns = reference.foreignColumns.map((column) =>
        ownColumn(reference.foreignTable, column),
      );
      parent.incoming.push({
        child: nodeOf(table),
        childColumns,
        parentColumns,
        action,
        fails: action === 'set null' && childColumns.some((column) => column.notNull),
      });
      for (const column of parentColumns) {
        if (!parent.tracked.includes(column)) parent.tracked.push(column);
      }
    }
  }
  return nodeOf;
}

/**
 * The table's own column object for `column`: constraints declared in a table's extra config
 * (`primaryKey({ columns })`, `foreignKey({ columns })`) hold stand-ins that cannot render their type.
 */
export function ownColumn(table: PgTable, column: PgColumn): PgColumn {
  return getTableConfig(table).columns.find((own) => own.name === column.name) ?? column;
}
