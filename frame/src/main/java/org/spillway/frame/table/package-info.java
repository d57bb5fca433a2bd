/**
 * Table snapshots: the one abstraction every table format's read produces, so that scanning Parquet,
 * pruning files by the statistics in the table's metadata and applying deletions are written once.
 *
 * <pre>
 *   DeltaTable (log: add actions, stats JSON, deletion vectors)  ─┐
 *   IcebergTable (manifests: bounds, counts, delete files)        ├─► TableSnapshot (TableFile per data file)
 *   HudiTable (timeline: file slices, partition paths)           ─┘        │ Spillway.readTable: a TableScan plan node
 *                                                                           ▼ (schema from the metadata; nothing opened)
 *   collect / count / ... with a pushed-down filter ──► TableSnapshot.scan: files pruned by metadata statistics and
 *        partition values (StatsPruner) ──► footers of the rest only (ParquetFooters), their deletions loaded
 *        ──► ParquetSource ──► the usual Parquet scan (row groups, pages, bloom filters pruned by the footers)
 * </pre>
 *
 * <p>{@code count()} of an unfiltered snapshot whose metadata gives every file's record count and number of
 * deleted rows opens no file at all.
 */
package org.spillway.frame.table;
