package org.spillway.frame;

import java.util.Locale;
import org.spillway.spill.memory.MemoryBudget;

/**
 * A session's memory as the operating system and the budget see it, from {@link Spillway#memory()}: the
 * limit, how it is split between the Java heap and the off-heap chunks, the budget's use and peak, and
 * the process's resident set (RSS) now and at its peak. {@link #toString()} is one line.
 *
 * <p>The RSS figures are the whole process's (Linux {@code VmRSS} and {@code VmHWM}; -1 elsewhere), so
 * they include other sessions and whatever else the JVM runs; the peak is since the process started or
 * since the last {@link org.spillway.spill.memory.ProcessMemory#resetPeakRss()}.
 *
 * @param limit      the session's memory limit ({@link Spillway.Builder#memoryLimit(String)})
 * @param maxHeap    the JVM's maximum heap ({@code -Xmx})
 * @param split      the budget's off-heap and heap parts ({@link Spillway.Builder#budgetSplit})
 * @param budgetUsed bytes reserved from the budget now (both parts)
 * @param heapUsed   bytes of operator state reserved from the heap part now (0 when the parts are shared)
 * @param budgetPeak the most bytes ever reserved from the budget at once
 * @param rss        the process's resident set now, in bytes, or -1
 * @param peakRss    the process's peak resident set, in bytes, or -1
 */
public record SessionMemory(long limit, long maxHeap, BudgetSplit split, long budgetUsed, long heapUsed, long budgetPeak,
                            long rss, long peakRss) {
    /** Whether the heap counts inside the limit: true unless the JVM's maximum heap is larger than the limit. */
    public boolean heapInLimit() {
        return !split.shared();
    }

    /**
     * The bound the process's peak RSS should stay under: {@code maxHeap + offHeap + }{@link Spillway#JVM_OVERHEAD}
     * ({@code limit + JVM_OVERHEAD} when the heap is at most three quarters of the limit).
     */
    public long expectedMaxRss() {
        return split.maxRss(maxHeap);
    }

    @Override
    public String toString() {
        String parts = split.shared()
                ? "heap " + MemoryBudget.formatBytes(maxHeap) + " beside the limit, one budget of " + MemoryBudget.formatBytes(split.offHeap())
                : "heap " + MemoryBudget.formatBytes(maxHeap) + ": operator state " + MemoryBudget.formatBytes(split.heap())
                        + "; off-heap chunks " + MemoryBudget.formatBytes(split.offHeap());
        return String.format(Locale.ROOT, "memory: limit %s (%s); budget in use %s (heap %s), peak %s; RSS %s, peak %s",
                MemoryBudget.formatBytes(limit), parts, MemoryBudget.formatBytes(budgetUsed), MemoryBudget.formatBytes(heapUsed),
                MemoryBudget.formatBytes(budgetPeak), rss < 0 ? "n/a" : MemoryBudget.formatBytes(rss),
                peakRss < 0 ? "n/a" : MemoryBudget.formatBytes(peakRss));
    }
}
