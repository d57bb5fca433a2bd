package org.spillway.frame;

/**
 * How a session's memory limit is divided (see {@link Spillway.Builder}): an off-heap part for chunk vectors and a
 * heap part for operator state, each a cap of its own, or, when the JVM's heap is larger than the limit, one budget of
 * the whole limit that both share.
 *
 * @param offHeap the off-heap part in bytes (the whole limit when shared)
 * @param heap    the heap part in bytes (the whole limit when shared)
 * @param shared  whether the two share one budget of the whole limit (the heap is beside the limit, not inside it)
 */
public record BudgetSplit(long offHeap, long heap, boolean shared) {
    /** The most the budget lets chunks and operator state hold together. */
    public long total() {
        return shared ? offHeap : offHeap + heap;
    }

    /**
     * The size the process may reach with a heap of {@code maxHeap}: the heap (which fills with garbage up to its
     * maximum), the off-heap memory the budget allows and {@link Spillway#JVM_OVERHEAD}.
     */
    public long maxRss(long maxHeap) {
        return maxHeap + offHeap + Spillway.JVM_OVERHEAD;
    }
}
