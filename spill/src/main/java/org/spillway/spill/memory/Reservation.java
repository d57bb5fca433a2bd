package org.spillway.spill.memory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes a named consumer holds from a {@link MemoryBudget}. Grows and shrinks as the consumer's
 * state does; {@link #close()} returns everything. Thread-safe.
 */
public final class Reservation implements AutoCloseable {
    private final MemoryBudget budget;
    private final String consumer;
    private final MemoryConsumer owner;
    private final boolean heap;
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean closed;

    Reservation(MemoryBudget budget, MemoryConsumer owner, String part, boolean heap) {
        this.budget = budget;
        this.owner = owner;
        this.heap = heap;
        this.consumer = owner == null ? part : owner.name() + " (" + part + ")";
    }

    /** This reservation, just opened, grown by {@code bytes} ({@link #grow}); closed again if that fails. */
    Reservation grownBy(long bytes) {
        try {
            grow(bytes);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /** Whether this reserves heap-resident memory (operator state) rather than off-heap memory (chunk vectors). */
    public boolean onHeap() {
        return heap;
    }

    /** Who holds this memory, for messages and leak reports: {@code HashAggregate#3 (group by)}, or a plain name. */
    public String consumer() {
        return consumer;
    }

    /** The operator instance this reservation belongs to, or null for one opened by name ({@link MemoryBudget#newReservation}). */
    public MemoryConsumer owner() {
        return owner;
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
     * Grows by {@code delta}, making room if it does not fit: the {@link Spillable}s spill, then the largest
     * revocable {@link MemoryConsumer}s are asked to revoke, and the budget waits a little for them.
     *
     * @throws BudgetExceededException if it still does not fit (the final failure: the message names this
     *         reservation's operator instance, its bytes and the largest holders)
     */
    public void grow(long delta) {
        checkOpen();
        budget.acquire(this, delta, MemoryBudget.Mode.FAIL);
        bytes.addAndGet(delta);
    }

    /**
     * Grows by {@code delta} if the {@link Spillable}s (the pool, the chunk store) can make room; false
     * otherwise, without asking any consumer to revoke. For state with a smaller fallback (a direct key
     * index, a pre-sized table), which should not make other operators spill.
     */
    public boolean growIfRoom(long delta) {
        checkOpen();
        if (!budget.acquire(this, delta, MemoryBudget.Mode.SPILLABLES)) {
            return false;
        }
        bytes.addAndGet(delta);
        return true;
    }

    /**
     * Grows by {@code delta} if room can be made as {@link #grow} makes it, but returns false instead of
     * throwing when it cannot: the caller, on its own thread, then spills its own state (reporting it with
     * {@link MemoryConsumer#revoked}) and retries, or does with less. When this reservation's own bytes
     * cannot cover the shortfall, the largest other revocable consumers have been asked to revoke
     * ({@link MemoryConsumer#requestRevoke}) before it returns false.
     */
    public boolean growOrRevoke(long delta) {
        checkOpen();
        if (!budget.acquire(this, delta, MemoryBudget.Mode.REVOKE_SELF)) {
            return false;
        }
        bytes.addAndGet(delta);
        return true;
    }

    /**
     * The final failure for a reservation of {@code delta} more bytes that does not fit, with
     * {@code detail} appended to the budget's message (who needs how much, held, free, largest holders).
     */
    public BudgetExceededException exceeded(long delta, String detail) {
        return budget.exceeded(this, delta, detail);
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
        long m = detach(max);
        to.bytes.addAndGet(m);
        return m;
    }

    /**
     * Takes up to {@code max} of this reservation's bytes away without returning them to the budget (they stay counted
     * in use); returns the bytes taken, which the caller now accounts for. For the budget's last resort
     * ({@link SegmentPool#takeIdleCharge}).
     */
    long detach(long max) {
        while (true) {
            long b = bytes.get();
            long m = Math.min(b, max);
            if (m <= 0) {
                return 0;
            }
            if (bytes.compareAndSet(b, b - m)) {
                return m;
            }
        }
    }

    /** Adds back bytes {@link #detach} took (still counted in use by the budget). */
    void attach(long delta) {
        checkOpen();
        bytes.addAndGet(delta);
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
        if (owner != null) {
            owner.forget(this);
        }
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
