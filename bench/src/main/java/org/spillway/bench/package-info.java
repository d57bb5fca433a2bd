/**
 * Benchmarks: JMH classes per operator ({@code *Benchmark}, run with {@code ./spillway bench jmh}) and
 * the side-by-side runner that times Spillway and DuckDB on the same files in one process
 * ({@code ./spillway bench ingest|groupby|join}, from CSV or, with {@code --format parquet}, Parquet), and
 * Parquet reading and writing beside DuckDB ({@code ./spillway bench parquet}, {@link org.spillway.bench.ParquetBench}).
 * Figures and how they were measured are in bench/README.md.
 */
package org.spillway.bench;
