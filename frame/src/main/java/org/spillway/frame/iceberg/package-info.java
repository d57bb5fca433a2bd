/**
 * Reading Apache Iceberg tables (format v1, v2 and v3, per the Iceberg table spec) with Spillway's own
 * Parquet reader: no Iceberg, Hadoop or catalog libraries, only Avro for the manifests.
 *
 * <pre>
 *   IcebergTable.forPath ──► IcebergMetadata (metadata/version-hint.text, vN.metadata.json or a metadata file)
 *   toDF / asOfSnapshot / asOfTimestamp ──► IcebergManifests (manifest list, then manifests: Avro)
 *        └─► IcebergScan: live data files (metrics: IcebergFileStats), delete files by sequence number
 *              ├─ position delete files and v3 deletion vectors (Puffin) ──► PositionSet per data file
 *              ├─ equality delete files ──► the data file's key columns read, matching rows into its PositionSet
 *              │  (both only when the scan reads that data file)
 *              └─► TableSnapshot (columns by field id, name mapping, type promotion) ──► the table scan
 *                  (files pruned by manifest bounds and identity partitions, see org.spillway.frame.table)
 * </pre>
 *
 * <p>{@link org.spillway.frame.iceberg.IcebergTable} is the entry point; {@code Spillway.readIceberg} the
 * shortcut. This package sits with the frame facade (it drives frames), see {@code ArchitectureTest}.
 */
package org.spillway.frame.iceberg;
