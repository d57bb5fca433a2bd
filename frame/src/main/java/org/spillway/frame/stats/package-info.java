/**
 * Pruning by statistics: {@link org.spillway.frame.stats.StatsPruner} decides from min/max/null-count
 * bounds that a filter is false for every row of a stored chunk, a Parquet row group or a Parquet
 * page, so that it need not be read. Below both the scans ({@code exec.scan}) and the file readers
 * ({@code io.parquet}), which is why it is a package of its own.
 */
package org.spillway.frame.stats;
