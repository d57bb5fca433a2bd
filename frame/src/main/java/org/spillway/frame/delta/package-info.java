/**
 * Delta Lake tables, written and read by Spillway's own implementation of delta-io's PROTOCOL.md
 * (no Spark, no Hadoop): a table is a directory of Parquet data files and a {@code _delta_log/} of
 * newline-delimited JSON commits, one per version.
 *
 * <pre>
 *   DataFrame.writeDelta ──► DeltaWriter ──► ParquetWriteJob.writeFiles (data files, in parallel)
 *                                 │               └─► DeltaStats (per-file stats from the footers)
 *                                 └─► DeltaLog.writeCommit (put-if-absent: hard link of a synced file)
 *                                          └─ lost the race? conflict rules (Delta's), retry or a typed exception
 *   DeltaTable.toDF / asOfVersion ──► Snapshot.load (newest checkpoint, then the commits after it)
 *                                 └─► TableSnapshot (schema from the log; per add: partition values, stats,
 *                                     its deletion vector, loaded if read) ──► the table scan (files pruned
 *                                     by the stats, see org.spillway.frame.table)
 *   delete / update / merge / upsert ──► rows found by file and position (ParquetSource.withRowIndex,
 *        joins for merge) ──► DeltaDelete.apply: deletion vectors (DeletionVectors) or rewritten files,
 *        plus the new rows, in one commit
 * </pre>
 *
 * <p>{@link org.spillway.frame.delta.DeltaTable} is the entry point (as in Delta's own Java API);
 * {@code DataFrame.writeDelta} and {@code Spillway.readDelta} are the shortcuts. This package sits
 * with the frame facade (it drives frames and frames drive it), see {@code ArchitectureTest}.
 */
package org.spillway.frame.delta;
