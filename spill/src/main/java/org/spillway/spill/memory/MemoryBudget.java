package org.spillway.spill.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The one memory budget of a session. Every sizeable allocation (chunk vectors, hash tables, sort
 * buffers) is reserved here first through a named {@link Reservation}, most of them opened by an
 * operator instance registered as a {@link MemoryConsumer} ({@link #register}, e.g. {@code HashAggregate#3}).
 * When a reservation does not fit, the budget asks the registered {@link Spillable}s (the pool first,
 * then largest first) to release memory and retries; when they have nothing left, it asks the largest
 * revocable consumers to revoke ({@link MemoryConsumer}: the requester by a false
 * {@link Reservation#growOrRevoke}, others by {@link MemoryConsumer#requestRevoke} honoured at their next
 * safe point), and only then fails with a {@link BudgetExceededException} whose message names the
 * operator instance, how much it and the largest holders hold, and what to change. It never lets the
 * total exceed the limit.
 *
 * <p>Cost: reservations are a CAS on one counter. Threads short of memory spill concurrently (each
 * {@link Spillable} hands disjoint victims to concurrent callers), and one that finds nothing left
 * to spill waits for the spills in flight before it fails.
 *
 * <p>{@link #close()} fails if reservations are still open, listing them (a leak check).
 */
public final class MemoryBudget implements AutoCloseable {
    private final long limit;
    /** The caps of the two parts when split ({@link #split}); both equal {@link #limit} when shared. */
    private final long heapLimit;
    private final long offHeapLimit;
    private final boolean split;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong heapUsed = new AtomicLong();
    private final AtomicLong offHeapUsed = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong spilledBytes = new AtomicLong();
    private final List<Spillable> spillables = new CopyOnWriteArrayList<>();
    private final Set<Reservation> live = ConcurrentHashMap.newKeySet();
    /** Guards {@link #spilling} and is what threads wait on for spills in flight (held only briefly). */
    private final Object spillLock = new Object();
    /** Threads now spilling in {@link #acquire} (written under spillLock, read without it). */
    private volatile int spilling;
    private final SegmentPool pool;
    private final Set<MemoryConsumer> consumers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger consumerIds = new AtomicInteger();
    private final Map<String, LongAdder> revokeStats = new ConcurrentHashMap<>();
    /**
     * How long a reservation that cannot spill its own state waits for the consumers it asked to revoke
     * (they honour requests between chunks) before it fails.
     */
    static final long REVOKE_WAIT_NANOS = 500_000_000L;
    /** How many rounds of spilling others a reservation whose owner can spill its own state tries first. */
    static final int SELF_ATTEMPTS = 64;
    /** How long a reservation that no spill makes progress for waits for spillables' pinned bytes. */
    static final long PINNED_WAIT_NANOS = 1_000_000_000L;

    /** Creates a budget of {@code limitBytes} bytes. */
    public MemoryBudget(long limitBytes) {
        this(limitBytes, SegmentPool.ENABLED);
    }

    /** A budget whose pool lends pooled blocks ({@code pooled}) or an arena per lease (as before pooling). */
    public MemoryBudget(long limitBytes, boolean pooled) {
        this(limitBytes, limitBytes, limitBytes, pooled);
    }

    private MemoryBudget(long limitBytes, long heapBytes, long offHeapBytes, boolean pooled) {
        if (limitBytes <= 0 || heapBytes <= 0 || offHeapBytes <= 0) {
            throw new IllegalArgumentException("Memory limit must be positive, got " + limitBytes + " (heap part " + heapBytes
                    + ", off-heap part " + offHeapBytes + ")");
        }
        this.limit = limitBytes;
        this.heapLimit = heapBytes;
        this.offHeapLimit = offHeapBytes;
        this.split = heapBytes < limitBytes || offHeapBytes < limitBytes;
        this.pool = new SegmentPool(this, pooled);
        addSpillable(pool);
    }

    /**
     * A budget in two parts: {@code offHeapBytes} for off-heap memory (chunk vectors, lent by the {@link #pool()};
     * {@link #newOffHeapReservation}) and {@code heapBytes} for operator state on the Java heap (hash tables, sort
     * keys, decode buffers; {@link #newReservation}). Each part is a cap of its own, so off-heap chunks cannot take the
     * heap's share nor operator state the off-heap memory: the process's size is then bounded by the heap's maximum
     * plus the off-heap part whatever the mix. Spilling chunks makes room in the off-heap part only; room in the heap
     * part comes from the consumers revoking their state ({@link MemoryConsumer}).
     */
    public static MemoryBudget split(long offHeapBytes, long heapBytes, boolean pooled) {
        return new MemoryBudget(offHeapBytes + heapBytes, heapBytes, offHeapBytes, pooled);
    }

    /** {@link #split(long, long, boolean)} with the pool as configured ({@code -Dspillway.pool}, on by default). */
    public static MemoryBudget split(long offHeapBytes, long heapBytes) {
        return split(offHeapBytes, heapBytes, SegmentPool.ENABLED);
    }

    /** Whether this budget is split into a heap and an off-heap part ({@link #split}). */
    public boolean isSplit() {
        return split;
    }

    /** The cap on heap-resident reservations (operator state): the heap part when split, else the whole limit. */
    public long heapLimit() {
        return heapLimit;
    }

    /** The cap on off-heap reservations (chunk memory): the off-heap part when split, else the whole limit. */
    public long offHeapLimit() {
        return offHeapLimit;
    }

    /** Bytes held by heap-resident reservations now (0 unless {@link #isSplit()}). */
    public long heapUsed() {
        return heapUsed.get();
    }

    /** The pool chunk memory is lent from; it counts against this budget and is closed with it. */
    public SegmentPool pool() {
        return pool;
    }

    /** Whether a thread is spilling to make room now. */
    boolean isSpilling() {
        return spilling > 0;
    }

    /** The limit in bytes. */
    public long limit() {
        return limit;
    }

    /**
     * Bytes reserved now by consumers; memory the {@link #pool()} keeps for reuse is left out (see
     * {@link #pooled()}), though it counts against the limit.
     */
    public long used() {
        return used.get() - pool.chargedBytes();
    }

    /** Bytes the {@link #pool()} keeps for reuse and pays for from this budget now. */
    public long pooled() {
        return pool.chargedBytes();
    }

    /** Bytes free now: the limit less what consumers and the pool hold. */
    public long free() {
        return limit - used.get();
    }

    /** The most bytes ever reserved at once. */
    public long peak() {
        return peak.get();
    }

    /** Total bytes released by spilling over the budget's life (what spillables reported). */
    public long spilledBytes() {
        return spilledBytes.get();
    }

    /** Opens an empty reservation for {@code consumer} (a name; operators open theirs from their {@link MemoryConsumer}). */
    public Reservation newReservation(String consumer) {
        return newReservation(null, consumer);
    }

    Reservation newReservation(MemoryConsumer owner, String part) {
        Reservation r = new Reservation(this, owner, part, true);
        live.add(r);
        return r;
    }

    /** Opens an empty reservation for off-heap memory (chunk vectors: the {@link #pool()}'s leases). */
    public Reservation newOffHeapReservation(String consumer) {
        Reservation r = new Reservation(this, null, consumer, false);
        live.add(r);
        return r;
    }

    /**
     * Registers an operator instance of {@code kind} (e.g. {@code HashAggregate}) that cannot spill: named
     * {@code kind#n}, n counting the consumers of this budget (that is, of the session).
     */
    public MemoryConsumer register(String kind) {
        return register(kind, null);
    }

    /**
     * Registers an operator instance of {@code kind} whose state can be spilled: {@code revocableBytes}
     * (called from any thread, without blocking) says how much it could give back now.
     */
    public MemoryConsumer register(String kind, LongSupplier revocableBytes) {
        MemoryConsumer c = new MemoryConsumer(this, kind, consumerIds.incrementAndGet(), revocableBytes);
        consumers.add(c);
        return c;
    }

    void unregister(MemoryConsumer c) {
        consumers.remove(c);
    }

    /** The registered consumers, largest holders first, for diagnostics. */
    public List<MemoryConsumer> consumers() {
        return largestFirst(consumers, MemoryConsumer::heldBytes);
    }

    void countRevokeRequest(String kind) {
        revokeStats.computeIfAbsent("memory.revokeRequests." + kind, k -> new LongAdder()).increment();
    }

    void countRevoke(String kind, long bytes) {
        revokeStats.computeIfAbsent("memory.revokes." + kind, k -> new LongAdder()).increment();
        revokeStats.computeIfAbsent("memory.revokedBytes." + kind, k -> new LongAdder()).add(Math.max(0, bytes));
    }

    /**
     * Revocation counters by operator kind: {@code memory.revokes.<kind>} (spills an operator made because
     * the budget was short), {@code memory.revokedBytes.<kind>} and {@code memory.revokeRequests.<kind>}
     * (requests the budget sent to consumers of that kind).
     */
    public Map<String, Long> revokeStats() {
        Map<String, Long> m = new java.util.TreeMap<>();
        revokeStats.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** Opens a reservation of {@code bytes}, spilling others if needed. */
    public Reservation reserve(String consumer, long bytes) {
        return newReservation(consumer).grownBy(bytes);
    }

    /** Registers something the budget may ask to spill. */
    public void addSpillable(Spillable s) {
        spillables.add(s);
    }

    /** Unregisters a spillable. */
    public void removeSpillable(Spillable s) {
        spillables.remove(s);
    }

    boolean tryAcquire(long delta, boolean heap) {
        if (delta < 0) {
            throw new IllegalArgumentException("negative reservation: " + delta);
        }
        AtomicLong part = heap ? heapUsed : offHeapUsed;
        if (split && !add(part, delta, heap ? heapLimit : offHeapLimit)) {
            return false;
        }
        if (!add(used, delta, limit)) {
            if (split) {
                part.addAndGet(-delta);
            }
            return false;
        }
        peak.accumulateAndGet(used.get(), Math::max);
        return true;
    }

    private static boolean add(AtomicLong counter, long delta, long cap) {
        while (true) {
            long u = counter.get();
            long n = u + delta;
            if (n > cap) {
                return false;
            }
            if (counter.compareAndSet(u, n)) {
                return true;
            }
        }
    }

    /** Bytes free now in the part a reservation of this kind draws from (the whole budget's when shared). */
    long free(boolean heap) {
        if (!split) {
            return free();
        }
        return heap ? heapLimit - heapUsed.get() : offHeapLimit - offHeapUsed.get();
    }

    /** What a reservation that does not fit does once the spillables have nothing left. */
    enum Mode {
        /** Ask the revocable consumers, wait for them, then throw ({@link Reservation#grow}). */
        FAIL,
        /** Return false for the caller to spill its own state; ask others if it is too small ({@link Reservation#growOrRevoke}). */
        REVOKE_SELF,
        /** Return false ({@link Reservation#growIfRoom}). */
        SPILLABLES
    }

    /**
     * Takes {@code delta} bytes for {@code r}, making room if needed; false (unless {@code mode} is FAIL)
     * when it does not fit.
     *
     * @throws BudgetExceededException if it does not fit in mode FAIL
     */
    boolean acquire(Reservation r, long delta, Mode mode) {
        boolean heap = r.onHeap();
        if (tryAcquire(delta, heap)) {
            return true;
        }
        // in a split budget, spilling chunks frees off-heap memory only: the heap part's room comes from the consumers
        boolean spillablesHelp = !(split && heap);
        // Threads short of memory spill at the same time: each spillable picks disjoint victims
        // (its protocol: thread-safe), so two threads compress and write in parallel instead of
        // queueing behind one lock (db-benchmark q3 at 1e8 rows under 1 GB: the workers spent a
        // fifth of their time blocked on it). Threads that reserve without spilling (the lock-free
        // fast path) may take what a spill frees first, so each spill frees a little more than
        // needed, and a thread retries while spilling makes progress. One that finds nothing left
        // to spill waits for the spills still in flight on other threads; then come the consumers
        // (see MemoryConsumer): the requester spills its own state when it can, and the largest
        // other revocable consumers are asked to revoke at their next safe point.
        // A reservation that cannot spill its own state (FAIL, SPILLABLES) has no fixed number of attempts:
        // while spilling makes progress (here, or on another thread whose spill this one waited for) the loop
        // goes on, since a thread short of memory at the same time as another may see many of the other's
        // spills end before its own reservation fits (with 64 attempts, training under an 8 MiB budget on a
        // loaded CI machine gave up with 2 MiB spillable). One that can (REVOKE_SELF) spills others for at
        // most SELF_ATTEMPTS rounds, then spills its own state rather than most of the session's chunks.
        // Without progress it waits at most PINNED_WAIT_NANOS for chunks pinned for a moment.
        long revokeDeadline = 0;
        long stalledSince = 0;
        for (int attempt = 0; mode != Mode.REVOKE_SELF || attempt < SELF_ATTEMPTS; attempt++) {
            if (tryAcquire(delta, heap)) {
                return true;
            }
            long need = Math.max(delta - free(heap), 0) + Math.min(delta, (heap ? heapLimit : offHeapLimit) / 64);
            long released = 0;
            if (spillablesHelp) {
                synchronized (spillLock) {
                    spilling++;
                }
                try {
                    released = spillOthers(need);
                } finally {
                    synchronized (spillLock) {
                        spilling--;
                        spillLock.notifyAll();
                    }
                }
                if (tryAcquire(delta, heap)) {
                    return true;
                }
                if (released > 0 || awaitSpillsInFlight(delta, heap)) {
                    stalledSince = 0;
                    continue;
                }
                if (stalledSince == 0) {
                    stalledSince = System.nanoTime();
                }
                if (System.nanoTime() - stalledSince < PINNED_WAIT_NANOS && spillableNow() > 0
                        && !Thread.currentThread().isInterrupted()) {
                    // a spillable still reports bytes it could not give now (chunks pinned for a moment by a
                    // reader, victims claimed by a thread about to spill them): give them a millisecond
                    LockSupport.parkNanos(1_000_000L);
                    continue;
                }
            }
            // nothing left to spill, here or on any other thread: the consumers' turn
            if (mode == Mode.SPILLABLES) {
                return false;
            }
            if (mode == Mode.REVOKE_SELF) {
                MemoryConsumer self = r.owner();
                long own = self != null && self.isRevocable() ? r.bytes() : 0;
                if (own < need) {
                    requestRevokes(need - own);
                }
                return false;
            }
            if (revokeDeadline == 0) {
                if (requestRevokes(need) == 0) {
                    break; // no consumer can spill either
                }
                revokeDeadline = System.nanoTime() + REVOKE_WAIT_NANOS;
            }
            if (!awaitRevokes(delta, heap, revokeDeadline)) {
                break;
            }
        }
        if (tryAcquire(delta, heap)) {
            return true;
        }
        if (mode != Mode.FAIL) {
            return false; // the caller spills its own state, which frees memory for real
        }
        if (lastResort(delta, heap)) {
            return true;
        }
        throw exceeded(r, delta, "");
    }

    /**
     * When nothing can spill or revoke and the reservation would otherwise fail (mode FAIL: a caller that cannot spill
     * its own state): the pool stops paying for up to {@code delta} bytes of idle blocks it cannot close (see
     * {@link SegmentPool#takeIdleCharge}), where that helps this part of the budget, and those bytes pay for this
     * reservation directly. Handing them over (rather than releasing them to the budget and trying again) matters on a
     * busy budget: the pool charges idle blocks again whenever a lease comes back ({@code settle}), so room released
     * for a moment went to the pool's next settle on another thread instead of to this reservation (a sort of 45,000
     * rows in 16-row chunks under 2 MB failed so under load).
     */
    private boolean lastResort(long delta, boolean heap) {
        if (tryAcquire(delta, heap)) {
            return true;
        }
        if (pool == null || (split && heap)) {
            return false;
        }
        long taken = pool.takeIdleCharge(delta);
        if (taken <= 0) {
            return false;
        }
        // the taken bytes stay counted in use (and, when split, in the off-heap part, as this reservation's are)
        if (taken == delta || tryAcquire(delta - taken, heap)) {
            return true;
        }
        pool.returnIdleCharge(taken);
        return false;
    }

    /** The final failure of {@code r} for {@code delta} more bytes ({@link Reservation#exceeded}). */
    BudgetExceededException exceeded(Reservation r, long delta, String detail) {
        long free = free(r.onHeap());
        MemoryConsumer owner = r.owner();
        String held = owner == null ? formatBytes(r.bytes())
                : formatBytes(r.bytes()) + "; " + owner.name() + " holds " + formatBytes(owner.heldBytes()) + " in all";
        return new BudgetExceededException(String.format(Locale.ROOT,
                "%s needs %s more (holds %s); budget %s%s, %s free, nothing left to spill"
                        + (Thread.currentThread().isInterrupted() ? " (interrupted while waiting for other threads' spills)" : "")
                        + " (largest holders: %s)%s. "
                        + "Raise Spillway.builder().memoryLimit(...), use smaller chunkRows(...), or lower parallelism(...).",
                r.consumer(), formatBytes(delta), held, formatBytes(limit),
                split ? (r.onHeap() ? ", its heap part for operator state " + formatBytes(heapLimit)
                        : ", its off-heap part for chunks " + formatBytes(offHeapLimit)) : "", formatBytes(free),
                topHolders(3) + spillableSummary(), detail), delta, free);
    }

    /**
     * Asks the largest revocable consumers to revoke (their callback, {@link MemoryConsumer#requestRevoke})
     * until what they could give back covers {@code need}; returns how many were asked.
     */
    private int requestRevokes(long need) {
        List<MemoryConsumer> order = new ArrayList<>();
        for (MemoryConsumer c : consumers) {
            if (c.isRevocable() && c.revocableBytes() > 0) {
                order.add(c);
            }
        }
        order.sort(Comparator.comparingLong(MemoryConsumer::revocableBytes).reversed());
        long asked = 0;
        int n = 0;
        for (MemoryConsumer c : order) {
            if (asked >= need) {
                break;
            }
            c.requestRevoke();
            asked += c.revocableBytes();
            n++;
        }
        return n;
    }

    /**
     * Waits (polling, as memory is returned without a signal) until {@code delta} bytes are free or the
     * deadline passes; false at the deadline or if interrupted.
     */
    private boolean awaitRevokes(long delta, boolean heap, long deadline) {
        synchronized (spillLock) {
            try {
                while (free(heap) < delta) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    spillLock.wait(Math.max(1, Math.min(10, left / 1_000_000)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return true;
        }
    }

    /** What the spillables other than the pool report they could release now. */
    private long spillableNow() {
        long n = 0;
        for (Spillable sp : spillables) {
            if (sp != pool) {
                n += sp.spillableBytes();
            }
        }
        return n;
    }

    /**
     * Asks the spillables to release {@code need} bytes: first the pool (idle memory costs nothing to
     * give back but closing its slabs, where a spill compresses and writes), then the others largest
     * first; returns what they released.
     */
    private long spillOthers(long need) {
        List<Spillable> order = new ArrayList<>(spillables);
        order.sort(Comparator.comparingLong(Spillable::spillableBytes).reversed());
        if (order.remove(pool)) {
            order.addFirst(pool);
        }
        long released = 0;
        for (Spillable s : order) {
            if (released >= need) {
                break;
            }
            if (s.spillableBytes() > 0) {
                long r = s.spill(need - released);
                released += r;
                spilledBytes.addAndGet(r);
            }
        }
        return released;
    }

    /**
     * Waits while other threads are spilling and {@code delta} bytes are not free; false if none
     * was spilling (so waiting cannot help), or if the thread was interrupted.
     */
    private boolean awaitSpillsInFlight(long delta, boolean heap) {
        synchronized (spillLock) {
            if (spilling == 0) {
                return false;
            }
            try {
                while (spilling > 0 && free(heap) < delta) {
                    spillLock.wait(50); // woken when a spill ends; the timeout covers memory freed otherwise
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return true;
        }
    }

    void release(long delta, boolean heap) {
        if (split) {
            (heap ? heapUsed : offHeapUsed).addAndGet(-delta);
        }
        long n = used.addAndGet(-delta);
        if (n < 0) {
            used.addAndGet(delta);
            throw new IllegalStateException("Budget released more than reserved (" + delta + " bytes)");
        }
    }

    void forget(Reservation r) {
        live.remove(r);
    }

    /** The consumers' open reservations, largest first, for diagnostics (the pool's own is {@link #pooled()}). */
    public List<Reservation> liveReservations() {
        List<Reservation> all = new ArrayList<>(live);
        all.remove(pool.reservation());
        return largestFirst(all, Reservation::bytes);
    }

    /**
     * {@code items} sorted by {@code size}, largest first, each size read once: sizes change while other threads
     * reserve, and a sort comparing sizes read anew may see an inconsistent order (TimSort then throws "Comparison
     * method violates its general contract!" instead of the budget's message).
     */
    private static <T> List<T> largestFirst(java.util.Collection<T> items, java.util.function.ToLongFunction<T> size) {
        record Sized<T>(T item, long size) {
        }
        List<Sized<T>> sized = new ArrayList<>();
        for (T t : items) {
            sized.add(new Sized<>(t, size.applyAsLong(t)));
        }
        sized.sort(Comparator.comparingLong((Sized<T> s) -> s.size()).reversed());
        List<T> out = new ArrayList<>(sized.size());
        for (Sized<T> s : sized) {
            out.add(s.item());
        }
        return out;
    }

    private String spillableSummary() {
        StringBuilder sb = new StringBuilder();
        for (Spillable s : spillables) {
            sb.append("; ").append(s.name()).append(" could spill ").append(formatBytes(s.spillableBytes()));
        }
        return sb.toString();
    }

    private String topHolders(int n) {
        List<Reservation> all = liveReservations();
        StringBuilder sb = new StringBuilder();
        java.util.Map<String, Long> byConsumer = new java.util.LinkedHashMap<>();
        for (Reservation r : all) {
            String who = r.owner() != null ? r.owner().name() : r.consumer().replaceAll("#\\d+$", "");
            byConsumer.merge(who, r.bytes(), Long::sum);
        }
        byConsumer.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(n).forEach(e -> {
                    if (!sb.isEmpty()) {
                        sb.append(", ");
                    }
                    sb.append(e.getKey()).append(' ').append(formatBytes(e.getValue()));
                });
        return sb.isEmpty() ? "none" : sb.toString();
    }

    /**
     * Closes the {@link #pool()} (freeing its memory) and checks for leaks: fails if any reservation
     * still holds bytes, naming them.
     *
     * @throws IllegalStateException listing the live reservations
     */
    @Override
    public void close() {
        pool.close();
        List<Reservation> leaked = liveReservations().stream().filter(r -> r.bytes() > 0).toList();
        if (!leaked.isEmpty()) {
            throw new IllegalStateException("Memory was leaked: " + formatBytes(used.get())
                    + " still reserved by " + leaked + " when the budget was closed");
        }
    }

    /** Formats a byte count as {@code 12.0 MiB}. */
    public static String formatBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /**
     * Parses a size such as {@code 512m}, {@code 1g}, {@code 64MB}, {@code 2GiB} or a plain byte count.
     *
     * @throws IllegalArgumentException naming the text when it is not a size
     */
    public static long parseBytes(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT).replace("_", "");
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("Not a memory size: '" + text + "' (write e.g. 512m, 1g, 2GiB)");
        }
        double num = Double.parseDouble(s.substring(0, i));
        String unit = s.substring(i).trim();
        long mult = switch (unit) {
            case "", "b" -> 1L;
            case "k", "kb", "kib" -> 1L << 10;
            case "m", "mb", "mib" -> 1L << 20;
            case "g", "gb", "gib" -> 1L << 30;
            case "t", "tb", "tib" -> 1L << 40;
            default -> throw new IllegalArgumentException("Unknown unit '" + unit + "' in memory size '" + text
                    + "' (use k, m, g or t)");
        };
        return (long) (num * mult);
    }
}
