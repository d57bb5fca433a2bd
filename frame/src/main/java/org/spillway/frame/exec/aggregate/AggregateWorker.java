package org.spillway.frame.exec.aggregate;

import static org.spillway.frame.exec.aggregate.DirectStates.DIRECT_MAX;

import org.spillway.frame.exec.hash.GroupTable;
import org.spillway.frame.exec.hash.KeyBatch;
import org.spillway.frame.exec.hash.StringPool;
import org.spillway.spill.memory.Reservation;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.VectorBuilder;

/**
 * One phase-1 worker's state (a pipeline thread's local of {@link HashAggregate#terminal()}): its
 * group table and string pool with their reservation, the scratch of the key paths
 * ({@link SingleKeyPaths}, {@link CompositeKeys}), the direct int-key lookup, its direct states
 * ({@link DirectStates}), and its partition builders for pass-through ({@link PassThrough}) and
 * holistic values ({@link HolisticValuePartitions}). Only the thread that owns it touches it until
 * {@link HashAggregate#finish} flushes it.
 */
public final class AggregateWorker {
    static final long[] EMPTY_STATES = new long[0];

    final GroupTable table;
    final StringPool pool;
    final KeyBatch batch = new KeyBatch();
    final Reservation res;
    final PlainKeys plainKeys = new PlainKeys();
    int[] gids = new int[0];
    int[] codeGid = new int[0];
    int[] idGid = new int[0]; // string pool id -> group, for a single plain-string key
    /** The last chunk's keys were interned and hashed row by row (not by dictionary code or direct index). */
    boolean hashedKeys;
    /** Input rows since the table was last flushed. */
    long rowsSinceFlush;
    /** Pre-aggregation did not reduce: large chunks bypass the table ({@link PreAggregator#PASS_THROUGH_MIN_ROWS}). */
    boolean passThrough;
    long[] rowStates = EMPTY_STATES;
    // compositeKey's scratch
    final ColumnVector[] compositeCols = new ColumnVector[8];
    final CompositeKeys composite = new CompositeKeys();
    /** For a single int key: group id + 1 of value {@code directBase + i} (0: not looked up yet), or null. */
    int[] direct;
    int directBase;
    boolean directTried;

    /**
     * True if a chunk whose int keys lie in {@code [min, max]} can use {@link #direct}: the
     * window is set up by the first chunk (a power of two from 1,024 to 2^20 values wide, if the
     * budget gives it), and later chunks use it when they fall inside it.
     */
    boolean direct(int min, int max) {
        if (!directTried) {
            directTried = true;
            long range = (long) max - min + 1;
            if (range <= DIRECT_MAX) {
                int size = (int) Math.max(1024, Long.highestOneBit(Math.max(1, range * 2 - 1)));
                if (directRes.growIfRoom(4L * size)) { // else: hash every row instead
                    direct = new int[size];
                    // leave room below the first chunk's minimum for later chunks
                    directBase = (int) Math.max(Integer.MIN_VALUE, Math.min((long) min - (size - range) / 2,
                            (long) Integer.MAX_VALUE - size + 1));
                }
            }
        }
        return direct != null && min >= directBase && (long) max < (long) directBase + direct.length;
    }

    final Reservation directRes;
    VectorBuilder[] builders;
    /** Pass-through's partial-chunk builders: [partition][column], and the same by [column][partition]. */
    VectorBuilder[][] partitionBuilders;
    VectorBuilder[][] partitionColumns;
    int[] part = new int[0]; // pass-through and writeRaw: each row's partition
    /** Direct states: {@link AggregateSpec#stride} longs per value of the shared window, and a bit per value seen (null: none). */
    long[] directStates;
    long[] directSeen;
    /** A chunk went through the table (or pass-through), so phase 2 merges partitions. */
    boolean usedTable;
    /** Direct states could not be reserved: this worker uses its table. */
    boolean directStatesRefused;
    VectorBuilder[][] rawBuffers; // per partition: values waiting to become a chunk
    /** Pass-through's partition builders hold rows not yet written ({@link PartitionSpiller#flushPassThrough}). */
    boolean passThroughPending;
    long rawBuffered;
    /** The consumer's revoke epoch this worker last honoured ({@link PreAggregator#update}: its safe point). */
    long revokeSeen;

    AggregateWorker(AggregateSpec spec) {
        // (in the order the fields were initialised: the reservations are made in this order)
        table = new GroupTable(spec.keys.size(), spec.stride);
        pool = new StringPool(spec.inlinePool());
        res = spec.consumer.newReservation("group by");
        directRes = spec.consumer.newReservation("group by direct keys");
        revokeSeen = spec.consumer.revokeEpoch();
    }
}
