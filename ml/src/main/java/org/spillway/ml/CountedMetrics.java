package org.spillway.ml;

import java.util.Collections;
import java.util.Map;

/** Metrics over the rows an evaluator counted: how many, their total weight, and whether they were weighted. */
abstract class CountedMetrics implements Metrics {
    private final long count;
    private final double totalWeight;
    private final boolean weighted;

    CountedMetrics(long count, double totalWeight, boolean weighted) {
        this.count = count;
        this.totalWeight = totalWeight;
        this.weighted = weighted;
    }

    /** The number of rows evaluated. */
    public long count() {
        return count;
    }

    /** The total weight (the row count without a weight column). */
    public double totalWeight() {
        return totalWeight;
    }

    /** True if the evaluator had a weight column. */
    public boolean isWeighted() {
        return weighted;
    }

    /** {@code metrics} followed by {@code count} and {@code totalWeight}, unmodifiable: the end of {@link #asMap()}. */
    final Map<String, Double> withCounts(Map<String, Double> metrics) {
        metrics.put("count", (double) count);
        metrics.put("totalWeight", totalWeight);
        return Collections.unmodifiableMap(metrics);
    }
}
