/**
 * Deterministic data generators for demos, tests and benchmarks, e.g. {@link org.spillway.datasets.Events},
 * the "events" CSV data set.
 */
package org.spillway.datasets;
