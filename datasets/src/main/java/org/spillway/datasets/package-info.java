/**
 * Deterministic data generators for demos, tests and benchmarks: {@link org.spillway.datasets.Events},
 * the "events" CSV data set of the demo, {@link org.spillway.datasets.GroupByData}, the
 * db-benchmark groupby table {@code G1_<N>_<K>_<nas>_<sort>}, and {@link org.spillway.datasets.JoinData}, the
 * four db-benchmark join tables {@code J1_<N>_..._<nas>_0}, and labelled data from a known true model:
 * {@link org.spillway.datasets.Synthetic} (classification, multiclass, regression) and
 * {@link org.spillway.datasets.Flights} (flight delays), and clusters around known centres,
 * {@link org.spillway.datasets.GaussianBlobs}. The labelled generators are
 * {@link org.spillway.spill.chunk.RowGenerator}s, so the frame module can fill frames from them
 * without a CSV file.
 */
package org.spillway.datasets;
