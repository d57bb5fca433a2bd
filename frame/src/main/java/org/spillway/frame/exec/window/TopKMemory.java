package org.spillway.frame.exec.window;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.spill.memory.MemoryConsumer;
import org.spillway.spill.memory.Reservation;

/**
 * The heap of a {@link PartitionTopKTable}'s locals (tables, direct states, ties, string pools, the spilled
 * partitions' buffers), reserved in the session budget before it is used, the tables' part within {@code cap} bytes
 * over all locals. Its budget consumer, {@code WindowTopK}, is what a revoke asks to give memory back (the budget
 * counts {@code memory.revokes.WindowTopK}); the table honours it between chunks.
 */
final class TopKMemory {
    private final long cap;
    private final MemoryConsumer consumer;
    private final Reservation reservation;
    private long held;
    /** Every live local (the input's workers, then the spilled partitions' runs): what a revoke could free. */
    private final List<TopKLocal> locals = new CopyOnWriteArrayList<>();

    /** The heap of a table's locals in {@code ctx}'s budget, the tables' part up to {@code cap} bytes. */
    TopKMemory(ExecContext ctx, long cap) {
        this.cap = cap;
        this.consumer = ctx.policy().register("WindowTopK", () -> {
            long b = 0;
            for (TopKLocal l : locals) {
                b += l.bytes;
            }
            return b;
        });
        this.reservation = consumer.newReservation("top-k states");
    }

    /** The cap on the tables' heap over all locals. */
    long cap() {
        return cap;
    }

    /** Counts {@code l} among the live locals (what a revoke could free). */
    void add(TopKLocal l) {
        locals.add(l);
    }

    /** How many revocations the budget requested of this operator so far (a local that saw fewer flushes). */
    long revokeEpoch() {
        return consumer.revokeEpoch();
    }

    /** Reports a flush made for a revoke request, which gave back {@code bytes}. */
    void revoked(long bytes) {
        consumer.revoked(bytes);
    }

    /** Reserves {@code bytes} more heap for {@code l} if that keeps every local within {@code cap} and the budget has room. */
    boolean tryCharge(TopKLocal l, long bytes) {
        synchronized (reservation) {
            if (held + bytes > cap || !reservation.growIfRoom(bytes)) {
                return false;
            }
            held += bytes;
            l.bytes += bytes;
            return true;
        }
    }

    /**
     * Reserves {@code bytes} more heap for {@code l} that it cannot do without (a minimal table, the spilled
     * partitions' buffers, the last level's table): room is made as the budget makes it, or the query fails with the
     * budget's error naming this operator.
     */
    void forceCharge(TopKLocal l, long bytes) {
        reservation.grow(bytes);
        synchronized (reservation) {
            held += bytes;
            l.bytes += bytes;
        }
    }

    /** Reserves {@code bytes} of the spilled partitions' buffers for {@code l}, outside {@code cap}, as {@link #forceCharge}. */
    void chargeBuffers(TopKLocal l, long bytes) {
        reservation.grow(bytes);
        synchronized (reservation) {
            l.bytes += bytes;
            l.bufferBytes += bytes;
        }
    }

    /** Returns {@code bytes} of {@code l}'s heap to the budget. */
    void uncharge(TopKLocal l, long bytes) {
        synchronized (reservation) {
            reservation.shrink(bytes);
            held -= bytes;
            l.bytes -= bytes;
        }
    }

    /** Returns all of {@code l}'s heap to the budget and forgets it. */
    void release(TopKLocal l) {
        synchronized (reservation) {
            reservation.shrink(l.bytes);
            held -= l.bytes - l.bufferBytes;
            l.bytes = 0;
            l.bufferBytes = 0;
        }
        locals.remove(l);
    }

    /** Closes the reservation and the budget consumer. */
    void close() {
        reservation.close();
        consumer.close();
    }
}
