/**
 * Parquet files: the footer and page index (Thrift, through parquet-format-structures), the
 * decoding of pages straight into chunk vectors, and the encoding of chunks as row groups. No
 * Hadoop. {@link org.spillway.frame.io.parquet.ParquetSource} opens a file, glob or directory for a
 * scan; the plan reads its row groups as morsels.
 */
package org.spillway.frame.io.parquet;
