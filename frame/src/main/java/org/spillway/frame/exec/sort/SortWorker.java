package org.spillway.frame.exec.sort;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryConsumer;
import org.spillway.spill.memory.Reservation;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.VectorBuilder;

/**
 * One scheduler worker's state in an {@link ExternalSort}: its buffer of rows not yet written as a
 * run, and for a top-k the cut-off below which it drops rows. Created by
 * {@link ExternalSort#terminal()}, filled by {@link RunGenerator}, handed back to
 * {@link ExternalSort#finish}; callers only pass it along.
 *
 * <p>Memory: the buffer's chunks, the heap their sort will take and the builders that will write it as a run
 * ({@link #writeReserve}) are reserved in {@link #res} ("sort buffer"), returned when the buffer is written or dropped.
 */
public final class SortWorker {
    final Reservation res;
    final List<Chunk> buffer = new ArrayList<>();
    /** Bytes buffered (chunks and their sort's heap); volatile: the budget reads it as the sort's revocable bytes. */
    volatile long bufferedBytes;
    int bufferedRows;
    /**
     * Bytes of {@link #res} kept while the buffer holds rows for the builders that write it as a run
     * ({@link RunGenerator#writeBuffer}), so that writing it when the budget is short needs no new heap; volatile, as
     * {@link #bufferedBytes}.
     */
    volatile long writeReserve;
    int lastSeq = -1;
    long morselRows;
    private final Schema runSchema;
    private VectorBuilder[] builders;
    int[] selection = new int[0];
    int[] zeros = new int[0]; // gather indices into a single source
    // top-k: the worst row kept so far (in a chunk of the buffer); rows not before it are dropped
    ColumnVector[] cutoffKeys;
    int cutoffRow;
    long cutoffPos;

    /** The sort's revoke epoch this worker last honoured ({@link RunGenerator#add}: its safe point). */
    long revokeSeen;

    SortWorker(MemoryConsumer consumer, Schema runSchema) {
        this.res = consumer.newReservation("sort buffer");
        this.revokeSeen = consumer.revokeEpoch();
        this.runSchema = runSchema;
    }

    /** Builders of the run schema, reset; kept across chunks so their arrays are reused. */
    VectorBuilder[] builders(int rows) {
        if (builders == null) {
            builders = ChunkOps.builders(runSchema, rows).toArray(VectorBuilder[]::new);
        }
        for (VectorBuilder b : builders) {
            b.reset();
        }
        return builders;
    }

    void closeBuffer() {
        for (Chunk c : buffer) {
            c.close();
        }
        buffer.clear();
        bufferedBytes = 0;
        bufferedRows = 0;
        writeReserve = 0;
        cutoffKeys = null;
        if (res.bytes() > 0) {
            res.shrink(res.bytes());
        }
    }
}
