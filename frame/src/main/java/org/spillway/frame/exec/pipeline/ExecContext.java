package org.spillway.frame.exec.pipeline;

import java.util.function.BiFunction;
import org.spillway.parallel.MorselScheduler;
import org.spillway.parallel.ProgressListener;
import org.spillway.spill.chunk.ChunkStore;
import org.spillway.spill.memory.MemoryBudget;

/**
 * What a query runs with: the session's memory budget, chunk store, scheduler, target chunk size,
 * and a factory for progress listeners (given a task name such as {@code "collect"} and the unit of
 * the work weights, {@code "MB"} or {@code "rows"}), and the session's operator {@link Counters}.
 */
public record ExecContext(MemoryBudget budget, ChunkStore store, MorselScheduler scheduler, int chunkRows,
                          BiFunction<String, String, ProgressListener> progress, java.util.function.IntSupplier frameIds,
                          Counters counters) {
    /** The memory policy: each kind of operator state's share of the budget, and consumer registration. */
    public org.spillway.frame.exec.pipeline.MemoryPolicy policy() {
        return new org.spillway.frame.exec.pipeline.MemoryPolicy(budget, scheduler.parallelism());
    }
}
