package org.spillway.frame.exec.aggregate;

import java.util.List;
import org.spillway.parallel.Morsel;
import org.spillway.parallel.Sink;
import org.spillway.spill.chunk.ChunkHandle;

/**
 * Phase 2 of a hash aggregate as a parallel sink over the partitions: each thread's local is a
 * {@link PartitionMerger}, each morsel one partition ({@link PartitionChunks}), merged and finished
 * into result chunks added to the shared result list. {@link #finish} and {@link #abort} close the
 * mergers, returning the reservations of the tables and pools they kept between partitions; the
 * caller owns the result chunks (and closes them if the run fails).
 */
final class PartitionMergeSink implements Sink<PartitionChunks, PartitionMerger, Object> {
    private final AggregateSpec spec;
    private final MergeSizeHints hints;
    private final List<ChunkHandle> result;

    /** {@code result} must be safe to add to from several threads. */
    PartitionMergeSink(AggregateSpec spec, MergeSizeHints hints, List<ChunkHandle> result) {
        this.spec = spec;
        this.hints = hints;
        this.result = result;
    }

    @Override
    public PartitionMerger newLocal() {
        return new PartitionMerger(spec, hints);
    }

    /** Merges one partition, from hash level 1 (phase 1 partitioned by level 0). */
    @Override
    public void accept(PartitionMerger m, Morsel<PartitionChunks> morsel) {
        m.merge(morsel.item().partials(), morsel.item().raws(), 1, result);
    }

    @Override
    public Object finish(List<PartitionMerger> locals) {
        locals.forEach(PartitionMerger::close);
        return null;
    }

    @Override
    public void abort(List<PartitionMerger> locals) {
        locals.forEach(PartitionMerger::close);
    }
}
