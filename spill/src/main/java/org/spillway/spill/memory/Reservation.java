package org.spillway.spill.memory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes a named consumer holds from a {@link MemoryBudget}. Grows and shrinks as the consumer's
 * state does; {@link #close()} returns everything. Thread-safe.
 */
public final class Reservation implements AutoCloseable {
    private final MemoryBudget budget;
    private final String consumer;
    private final boolean heap;
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean closed;

    Reservation(MemoryBudget budget, String consumer, boolean heap) {
        this.budget = budget;
        this.consumer = consumer;
        this.heap = heap;
    }

    /** Whether this reserves heap-resident memory (operator state) rather than off-heap memory (chunk vectors). */
    public boolean onHeap() {
        return heap;
    }

    /** Who holds this memory, for messages and leak reports. */
    public String consumer() {
        return consumer;
    }

    /** Bytes held now. */
    public long bytes() {
        return bytes.get();
    }

    /** Grows by {@code delta} if it fits without spilling anything; false otherwise. */
    public boolean tryGrow(long delta) {
        checkOpen();
        if (budget.tryAcquire(delta, heap)) {
            bytes.addAndGet(delta);
            return true;
        }
        return false;
    }

    /**
     * Grows by {@code delta}, asking spillable consumers to release memory if it does not fit.
     *
     * @throws BudgetExceededException if it still does not fit
     */
    public void grow(long delta) {
        checkOpen();
        budget.acquire(consumer, delta, bytes.get(), heap);
        bytes.addAndGet(delta);
    }

    /** Returns {@code delta} bytes to the budget. */
    public void shrink(long delta) {
        long now = bytes.addAndGet(-delta);
        if (now < 0) {
            bytes.addAndGet(delta);
            throw new IllegalStateException(consumer + " shrinks by " + delta + " bytes but holds only " + (now + delta));
        }
        budget.release(delta, heap);
    }

    /**
     * Moves up to {@code max} of this reservation's bytes to {@code to} (of the same budget) without
     * changing the budget's total; returns the bytes moved. For the {@link SegmentPool}, which pays a
     * lease's reservation from its own when it lends an idle block.
     */
    long transferTo(Reservation to, long max) {
        to.checkOpen();
        if (to.heap != heap) {
            throw new IllegalArgumentException("cannot move bytes between heap and off-heap reservations: " + this + " -> " + to);
        }
        while (true) {
            long b = bytes.get();
            long m = Math.min(b, max);
            if (m <= 0) {
                return 0;
            }
            if (bytes.compareAndSet(b, b - m)) {
                to.bytes.addAndGet(m);
                return m;
            }
        }
    }

    /** Returns all held bytes; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long held = bytes.getAndSet(0);
        budget.release(held, heap);
        budget.forget(this);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Reservation of " + consumer + " is closed");
        }
    }

    @Override
    public String toString() {
        return consumer + " (" + MemoryBudget.formatBytes(bytes.get()) + ")";
    }
}
