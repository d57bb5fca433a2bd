package org.spillway.spill.memory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One operator instance registered with a {@link MemoryBudget} ({@link MemoryBudget#register}), named by
 * its kind and a per-budget (per-session) number, such as {@code HashAggregate#3}: its reservations carry
 * that name, so a failure names who held what.
 *
 * <p><b>Revocation.</b> A consumer whose state can be written to disk (a hash aggregate's tables, a
 * sort's buffers) is registered with a supplier of its {@linkplain #revocableBytes() revocable bytes}.
 * Operator state is mutated by its own worker threads, so the budget never spills it from another
 * thread. Instead, when a reservation does not fit after the {@link Spillable}s (the pool, the chunk
 * store) gave what they could:
 * <ul>
 *   <li>the requester learns it by a return value ({@link Reservation#growOrRevoke} is false) and spills
 *       its own state on its own thread, at once;</li>
 *   <li>when the requester's own state is not enough, the budget calls {@link #requestRevoke} on the
 *       largest other revocable consumers (from the requester's thread; it only records the request,
 *       bumping {@link #revokeEpoch()}), and each of their workers honours it at its next safe point
 *       (between chunks), comparing the epoch with the one it last honoured.</li>
 * </ul>
 * Either way the owner reports what it spilled with {@link #revoked}, which the budget counts per kind
 * ({@link MemoryBudget#revokeStats()}).
 *
 * <p>Thread-safe. {@link #close()} unregisters it (its reservations are closed by their owners).
 */
public final class MemoryConsumer implements AutoCloseable {
    private final MemoryBudget budget;
    private final String kind;
    private final String name;
    private final LongSupplier revocable;
    private final Set<Reservation> reservations = ConcurrentHashMap.newKeySet();
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong revokes = new AtomicLong();
    private final AtomicLong revokedBytes = new AtomicLong();

    MemoryConsumer(MemoryBudget budget, String kind, int id, LongSupplier revocable) {
        this.budget = budget;
        this.kind = kind;
        this.name = kind + "#" + id;
        this.revocable = revocable;
    }

    /** The instance name, e.g. {@code HashAggregate#3}. */
    public String name() {
        return name;
    }

    /** The operator kind, e.g. {@code HashAggregate} (what revocations are counted by). */
    public String kind() {
        return kind;
    }

    /** Opens an empty reservation of this consumer; {@code part} says what it holds, e.g. {@code group by}. */
    public Reservation newReservation(String part) {
        Reservation r = budget.newReservation(this, part);
        reservations.add(r);
        return r;
    }

    /** Opens a reservation of {@code bytes} ({@link MemoryBudget#reserve}). */
    public Reservation reserve(String part, long bytes) {
        return newReservation(part).grownBy(bytes);
    }

    /** Bytes held now by this consumer's open reservations. */
    public long heldBytes() {
        long b = 0;
        for (Reservation r : reservations) {
            b += r.bytes();
        }
        return b;
    }

    /** Bytes this consumer could give back by spilling at its next safe point (0 if it cannot spill). */
    public long revocableBytes() {
        return revocable == null ? 0 : Math.max(0, revocable.getAsLong());
    }

    /** Whether this consumer can spill its state when asked. */
    public boolean isRevocable() {
        return revocable != null;
    }

    /**
     * The budget's callback: asks this consumer to spill at its workers' next safe point. Called from any
     * thread; only records the request (bumps {@link #revokeEpoch()}).
     */
    public void requestRevoke() {
        epoch.incrementAndGet();
        budget.countRevokeRequest(kind);
    }

    /**
     * How many revocations were requested so far: a worker that last honoured a smaller number spills its
     * state at its next safe point, then remembers this one. One volatile read: cheap enough per chunk.
     */
    public long revokeEpoch() {
        return epoch.get();
    }

    /** The owner reports a spill it made because the budget was short (asked, or its own reservation did not fit). */
    public void revoked(long bytes) {
        revokes.incrementAndGet();
        revokedBytes.addAndGet(Math.max(0, bytes));
        budget.countRevoke(kind, bytes);
    }

    /** Spills reported by {@link #revoked} so far. */
    public long revokes() {
        return revokes.get();
    }

    /** Bytes reported by {@link #revoked} so far. */
    public long revokedBytes() {
        return revokedBytes.get();
    }

    void forget(Reservation r) {
        reservations.remove(r);
    }

    /** Unregisters this consumer from the budget. */
    @Override
    public void close() {
        budget.unregister(this);
    }

    @Override
    public String toString() {
        return name + " (" + MemoryBudget.formatBytes(heldBytes()) + ")";
    }
}
