package org.spillway.frame.exec.aggregate;

import java.util.List;
import org.spillway.parallel.Morsel;
import org.spillway.parallel.Sink;

/**
 * The end of phase 1, in parallel over the workers: each worker's table, pass-through builders,
 * holistic value buffers and direct states are written to the partitions, and its reservations are
 * closed. With {@code single}, every group goes to partition 0 (few groups, nothing flushed yet).
 */
final class WorkerFlushSink implements Sink<AggregateWorker, Object, Object> {
    private final PartitionSpiller spiller;
    private final DirectStates directStates;
    private final boolean single;

    WorkerFlushSink(PartitionSpiller spiller, DirectStates directStates, boolean single) {
        this.spiller = spiller;
        this.directStates = directStates;
        this.single = single;
    }

    @Override
    public Object newLocal() {
        return null;
    }

    @Override
    public void accept(Object local, Morsel<AggregateWorker> m) {
        spiller.flush(m.item(), 0, single);
        directStates.flushDirect(m.item());
        m.item().res.close();
        m.item().directRes.close();
    }

    @Override
    public Object finish(List<Object> locals) {
        return null;
    }
}
