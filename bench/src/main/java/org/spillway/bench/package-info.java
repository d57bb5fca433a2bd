/**
 * Benchmarks: JMH classes per operator ({@code *Benchmark}, run with {@code ./spillway bench jmh}) and
 * the side-by-side runner that times Spillway and DuckDB on the same files in one process
 * ({@code ./spillway bench ingest}). Figures and how they were measured are in bench/README.md.
 */
package org.spillway.bench;
