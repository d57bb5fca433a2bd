/**
 * Apache Hudi tables, read by Spillway's own implementation (no Spark, no Hadoop, no Hudi library):
 * copy-on-write tables of Hudi 0.x (table versions 1 to 6) and 1.x (table version 8), and
 * merge-on-read tables: the snapshot view of version 8 tables (log files' Avro data blocks merged,
 * {@code HudiLogFiles}, {@code HudiMergeOnRead}) and the read-optimized view of any.
 *
 * <pre>
 *   HudiTable.toDF / asOfCommit / changesSince
 *        └─► HudiTimeline.load (hoodie.properties; instants from the timeline's file names)
 *        └─► HudiFileIndex.snapshot (partitions, base files by file group, the newest committed one at
 *            the instant; replaced file groups and missing files from the commits' metadata, JSON or
 *            Avro via HudiAvro)
 *        └─► TableSnapshot (the newest base file's schema, meta columns included; partition values
 *            from the paths) ──► the table scan (files pruned by partition, see org.spillway.frame.table)
 * </pre>
 *
 * <p>{@link org.spillway.frame.hudi.HudiTable} is the entry point; {@code Spillway.readHudi} the
 * shortcut. This package sits with the frame facade (it drives frames), see {@code ArchitectureTest}.
 */
package org.spillway.frame.hudi;
