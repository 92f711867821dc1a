/**
 * Prints the README's pooling-head table from the registry (src/model/pooling/registry.ts), so the docs derive from
 * the one list; test/pooling-registry.test.ts fails when the README's copy is stale.
 *
 *   node --import tsx scripts/pooling-heads-table.ts
 */
import { poolingHeadsTable } from '../src/model/pooling/registry.ts';

process.stdout.write(poolingHeadsTable());
