package org.spillway.frame;

import java.util.Locale;
import org.spillway.spill.memory.MemoryBudget;

/**
 * A session's memory as the operating system and the budget see it, from {@link Spillway#memory()}: the
 * limit, how it is split between the Java heap and the off-heap budget, the budget's use and peak, and
 * the process's resident set (RSS) now and at its peak. {@link #toString()} is one line.
 *
 * <p>The RSS figures are the whole process's (Linux {@code VmRSS} and {@code VmHWM}; -1 elsewhere), so
 * they include other sessions and whatever else the JVM runs; the peak is since the process started or
 * since the last {@link org.spillway.spill.memory.ProcessMemory#resetPeakRss()}.
 *
 * @param limit        the session's memory limit ({@link Spillway.Builder#memoryLimit(String)})
 * @param maxHeap      the JVM's maximum heap ({@code -Xmx})
 * @param budget       the off-heap budget chunks and operator state reserve from
 * @param heapInLimit  whether the heap counts inside the limit (see {@link Spillway.Builder}); if not, the
 *                     process may grow to {@code maxHeap + limit + overhead}
 * @param budgetUsed   bytes reserved from the budget now
 * @param budgetPeak   the most bytes ever reserved from the budget at once
 * @param rss          the process's resident set now, in bytes, or -1
 * @param peakRss      the process's peak resident set, in bytes, or -1
 */
public record SessionMemory(long limit, long maxHeap, long budget, boolean heapInLimit, long budgetUsed, long budgetPeak,
                            long rss, long peakRss) {
    /**
     * The bound the process's peak RSS should stay under: {@code limit + }{@link Spillway#JVM_OVERHEAD} when the
     * heap is inside the limit, else {@code maxHeap + limit + JVM_OVERHEAD}.
     */
    public long expectedMaxRss() {
        return (heapInLimit ? limit : maxHeap + limit) + Spillway.JVM_OVERHEAD;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "memory: limit %s (heap %s%s, off-heap budget %s); budget in use %s, peak %s; RSS %s, peak %s",
                MemoryBudget.formatBytes(limit), MemoryBudget.formatBytes(maxHeap), heapInLimit ? "" : " beside the limit",
                MemoryBudget.formatBytes(budget), MemoryBudget.formatBytes(budgetUsed), MemoryBudget.formatBytes(budgetPeak),
                rss < 0 ? "n/a" : MemoryBudget.formatBytes(rss), peakRss < 0 ? "n/a" : MemoryBudget.formatBytes(peakRss));
    }
}
