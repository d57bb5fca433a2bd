/**
 * Deterministic data generators for demos, tests and benchmarks: {@link org.spillway.datasets.Events},
 * the "events" CSV data set of the demo, and {@link org.spillway.datasets.GroupByData}, the
 * db-benchmark groupby table {@code G1_<N>_<K>_<nas>_<sort>}.
 */
package org.spillway.datasets;
