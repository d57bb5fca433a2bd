package org.spillway.spill.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chunk memory kept for reuse, so that spilling a chunk and reading one back neither allocate, zero
 * and page-fault fresh memory nor close a shared {@link Arena} (whose close is a handshake with every
 * thread: at 1e8 rows db-benchmark q3 spent about 8 s in 2,356 of them). One pool per
 * {@link MemoryBudget}, made with it ({@link MemoryBudget#pool()}).
 *
 * <p>Layout. A request of {@code n} bytes is served by a block of its size class: powers of two from
 * 4 KiB to 256 MiB in four steps each (5, 6, 7, 8 KiB, 10, 12, ... so a block wastes at most a fifth);
 * larger requests get an arena of their own, closed when the lease is. Blocks are carved from slabs,
 * each one shared arena of 1 to 32 blocks of one class (at least 128 KiB, so a mapping of its own, or 1/64 of the limit if less;
 * blocks of 128 KiB and more have a slab each). A closed lease puts its block on its
 * class's free list (last in, first out: the memory most likely still in cache); a request takes a
 * free block of its class or of one of the next two (at most about 50% larger), else a new slab.
 *
 * <pre>
 *  allocate(consumer, n) --&gt; PooledArena (a bump allocator over one block) + Reservation of n bytes
 *     free block of class(n)..class(n)+2?  take it; the pool's own reservation pays n to the lease's
 *     none: lease reserves n (may spill: chunks spilled now free their blocks here), look again,
 *           else a new slab
 *  PooledArena.close() --&gt; block back on its free list, the lease's reservation closed
 *  settle: the pool's reservation follows its idle blocks (which spills leave "loose" for a while,
 *          see below)
 * </pre>
 *
 * <p>Accounting. A lease's {@link Reservation} holds what was asked ({@code n}), as before pooling; the
 * pool's own reservation ({@code SegmentPool}) holds its idle blocks, so memory kept for reuse counts
 * against the limit. The slack of a lent block (what its class rounds up, at most a fifth, or half when
 * a larger class's free block was taken) is not counted: charging it made tight budgets fail that
 * fit before pooling. {@link MemoryBudget#used()} leaves it out
 * (memory kept for reuse is not in use), {@link MemoryBudget#free()} does not. The pool is a
 * {@link Spillable}: asked for room, it closes slabs all of whose blocks are idle, oldest first.
 *
 * <p>Memory that a spill frees must reach the thread that is short, so while a thread of the budget
 * spills, blocks given back are left uncharged ("loose"), up to 1/32 of the limit (beyond that, idle
 * slabs are closed): the spilled chunk's bytes are really released, the short thread's reservation
 * fits, and its allocation then takes the loose block. Otherwise a block given back is charged to the
 * pool at once (its lease's reservation closes, the pool's grows: the budget's total stays the same),
 * and when the budget has no room for that, idle slabs are closed instead. So the pool may exceed its
 * reservation by at most the loose allowance, plus idle blocks in slabs that still lend others (a slab
 * is closed whole) when the budget is full.
 *
 * <p>Safety. A block's segments stay valid (in their slab's scope) after its lease closes, so a
 * vector read after its chunk was closed sees whatever the block holds next instead of failing; the
 * chunk checks its own closed flag. Blocks are not zeroed when reused: a builder writes every byte it
 * reads. {@code -Dspillway.pool=false} gives every lease an arena of its own, as before the pool (to
 * find a use after close, or to compare).
 *
 * <p>Concurrency: one lock guards the free lists and counts, held for O(1) work per allocation and
 * release (a trim scans the free list of the slab's class); arenas are created and closed outside it.
 */
public final class SegmentPool implements Spillable, AutoCloseable {
    /** log2 of the smallest block (4 KiB). */
    static final int MIN_SHIFT = 12;
    /** log2 of the largest pooled block (256 MiB); larger requests get an arena of their own. */
    static final int MAX_SHIFT = 28;
    /** Size classes per doubling. */
    private static final int STEPS = 4;
    /** Classes: 4 KiB, then four per doubling up to {@code 1 << MAX_SHIFT}. */
    static final int CLASSES = (MAX_SHIFT - MIN_SHIFT) * STEPS + 1;
    /** How many classes larger than its own a request may take a free block from (about 50% more room). */
    private static final int REACH = 2;
    private static final int MAX_BLOCKS_PER_SLAB = 32;
    /**
     * Slabs are made at least this large where the limit allows: glibc's fixed mmap threshold
     * ({@link MallocTuning#MMAP_THRESHOLD}), so that each slab is a mapping of its own, which closing it unmaps.
     * Smaller ones come from malloc's per-thread arenas, where a slab closed by one thread and wanted again by another
     * leaves its pages resident in the first thread's arena: at 1e8 rows under 1 GiB, db-benchmark q3 then q6 grew
     * the process's malloc arenas by about 400 MiB above the live off-heap memory (peak RSS 1,440 MiB after
     * q1-q6, limit + 160 MiB is 1,184 MiB).
     */
    private static final long MAX_SLAB_BYTES = MallocTuning.MMAP_THRESHOLD;
    /** Whether leases share slabs; false ({@code -Dspillway.pool=false}) gives each its own arena. */
    static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("spillway.pool"));

    private final MemoryBudget budget;
    private final boolean enabled;
    private final Reservation retained;
    private final long slabTarget;
    private final long looseAllowance;

    private final Object lock = new Object();
    // Guarded by lock.
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Block>[] free = new ArrayDeque[CLASSES];
    private final Set<Slab> slabs = new LinkedHashSet<>();
    private final LinkedHashSet<Slab> idleSlabs = new LinkedHashSet<>(); // all blocks idle, oldest first
    private long slabBytes;
    private long lentBytes;
    private long idleBytes;
    private long idleSlabBytes;
    private boolean closed;

    private final AtomicLong arenasCreated = new AtomicLong();
    private final AtomicLong arenasClosed = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong dedicated = new AtomicLong();
    private final AtomicLong overflows = new AtomicLong();
    private final AtomicLong trimmedSlabs = new AtomicLong();

    SegmentPool(MemoryBudget budget, boolean enabled) {
        this.budget = budget;
        this.enabled = enabled;
        this.retained = budget.newOffHeapReservation("SegmentPool");
        this.slabTarget = Math.max(1L << MIN_SHIFT, Math.min(MAX_SLAB_BYTES, budget.offHeapLimit() / 64));
        this.looseAllowance = budget.offHeapLimit() / 32;
        for (int c = 0; c < CLASSES; c++) {
            free[c] = new ArrayDeque<>();
        }
    }

    /** The size class of a request of {@code bytes} (at least 1), or -1 when it is larger than any class. */
    static int classOf(long bytes) {
        if (bytes <= 1L << MIN_SHIFT) {
            return 0;
        }
        int p = 63 - Long.numberOfLeadingZeros(bytes - 1); // 2^p < bytes <= 2^(p+1)
        if (p >= MAX_SHIFT) {
            return -1;
        }
        long step = 1L << (p - 2);
        int k = (int) ((bytes - (1L << p) + step - 1) / step); // 1..4
        return (p - MIN_SHIFT) * STEPS + k;
    }

    /** The block size of class {@code c}. */
    static long classSize(int c) {
        if (c == 0) {
            return 1L << MIN_SHIFT;
        }
        int p = (c - 1) / STEPS + MIN_SHIFT;
        int k = (c - 1) % STEPS + 1;
        return (1L << p) + k * (1L << (p - 2));
    }

    /**
     * Blocks of 128 KiB and more get a slab each: a slab is zeroed (and page-faulted) whole when made
     * and closed whole when trimmed, so spare blocks of a large class would multiply that cost when
     * the budget keeps trimming them (one db-benchmark q10 run under 256 MB was twice as slow with
     * 4 MiB slabs, though a second was not: the machine was loaded). Smaller blocks share slabs of at
     * least 128 KiB (up to 32 blocks), or 1/64 of the off-heap limit if that is less, so that a slab is
     * its own mapping (see {@link #MAX_SLAB_BYTES}).
     */
    private int blocksPerSlab(int c) {
        long size = classSize(c);
        if (size >= slabTarget) {
            return 1;
        }
        if (slabTarget < MAX_SLAB_BYTES) {
            return (int) Math.max(1, slabTarget / size); // a small limit: slabs stay within 1/64 of it
        }
        return (int) Math.min(MAX_BLOCKS_PER_SLAB, (slabTarget + size - 1) / size); // at least the target: a mapping of its own
    }

    /**
     * Lends {@code bytes} of memory to {@code consumer}: an arena over one pooled block, with a new
     * reservation of {@code bytes} (spilling others if needed, as {@link MemoryBudget#reserve} does).
     * Closing the arena gives the block back and closes the reservation.
     *
     * @throws BudgetExceededException if the memory cannot be had
     */
    public PooledArena allocate(String consumer, long bytes) {
        long n = Math.max(bytes, 1);
        int c = enabled ? classOf(n) : -1;
        Reservation r = budget.newOffHeapReservation(consumer);
        try {
            if (c < 0) {
                r.grow(n);
                Arena own = Arena.ofShared();
                arenasCreated.incrementAndGet();
                dedicated.incrementAndGet();
                return new PooledArena(this, null, own, r, n);
            }
            Block b = takeFree(c, n, r, false);
            if (b == null) {
                r.grow(n); // may spill: chunks spilled now give their blocks back here
                b = takeFree(c, n, r, true);
                if (b == null) {
                    b = newSlab(c, n);
                }
            }
            settle(false);
            return new PooledArena(this, b, null, r, n);
        } catch (RuntimeException | Error e) {
            r.close();
            throw e;
        }
    }

    /**
     * Takes a free block of class {@code c} (or up to {@link #REACH} larger) for a lease of {@code n}
     * bytes; unless {@code paid}, moves {@code n} bytes from the pool's reservation to {@code r} (and
     * reserves what it lacks). Null if none is free.
     */
    private Block takeFree(int c, long n, Reservation r, boolean paid) {
        Block b = null;
        long owed = 0;
        synchronized (lock) {
            checkOpen();
            for (int cc = c; cc <= Math.min(c + REACH, CLASSES - 1) && b == null; cc++) {
                b = free[cc].pollFirst();
            }
            if (b == null) {
                return null;
            }
            Slab s = b.slab;
            if (s.idle-- == s.blocks) {
                idleSlabs.remove(s);
                idleSlabBytes -= s.bytes();
            }
            idleBytes -= s.blockSize;
            lentBytes += n;
            if (!paid) {
                owed = n - retained.transferTo(r, n);
            }
        }
        hits.incrementAndGet();
        if (owed > 0) {
            try {
                r.grow(owed); // the block was idle but loose: its bytes were not the pool's to pass on
            } catch (RuntimeException | Error e) {
                giveBack(b, n);
                throw e;
            }
        }
        return b;
    }

    /** A new slab of class {@code c}, lending its first block for {@code n} bytes (already reserved). */
    private Block newSlab(int c, long n) {
        long size = classSize(c);
        int k = blocksPerSlab(c);
        if (k > 1 && budget.free(false) < (k - 1) * size) {
            k = 1; // no room to keep spare blocks (settle charges them): a slab of one
        }
        Arena arena = Arena.ofShared();
        MemorySegment mem;
        try {
            mem = arena.allocate(k * size, 64);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        arenasCreated.incrementAndGet();
        misses.incrementAndGet();
        Slab s = new Slab(arena, c, k, size);
        synchronized (lock) {
            if (closed) {
                arena.close();
                throw new IllegalStateException("SegmentPool is closed (its session or budget was closed)");
            }
            slabs.add(s);
            slabBytes += s.bytes();
            lentBytes += n;
            for (int i = k - 1; i >= 1; i--) {
                free[c].addFirst(new Block(s, mem.asSlice(i * size, size)));
            }
            s.idle = k - 1;
            idleBytes += (k - 1) * size;
        }
        return new Block(s, mem.asSlice(0, size));
    }

    /** Called by {@link PooledArena#close()}: the block goes back on its free list, then the lease's reservation closes. */
    void release(Block b, Arena own, Reservation r, long n) {
        if (own != null) {
            try {
                own.close();
                arenasClosed.incrementAndGet();
            } finally {
                r.close();
            }
            return;
        }
        giveBack(b, n);
        r.close();
        settle(true);
    }

    private void giveBack(Block b, long n) {
        synchronized (lock) {
            lentBytes -= n;
            Slab s = b.slab;
            if (s.closed) {
                return; // the pool was closed meanwhile
            }
            free[s.cls].addFirst(b);
            idleBytes += s.blockSize;
            if (++s.idle == s.blocks) {
                idleSlabs.add(s);
                idleSlabBytes += s.bytes();
            }
        }
    }

    /**
     * Brings the pool's reservation to its idle blocks: shrinks it when leases took
     * idle blocks, grows it when blocks came back, and when the budget has no room for that, closes
     * idle slabs. After a release while the budget is spilling ({@code fromRelease}), up to the loose
     * allowance stays uncharged (for the thread that spilled), and beyond it slabs are closed.
     */
    private void settle(boolean fromRelease) {
        List<Slab> trimmed = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            long loose = idleBytes - retained.bytes();
            if (loose < 0) {
                retained.shrink(Math.min(-loose, retained.bytes()));
            } else if (loose > 0) {
                if (fromRelease && budget.isSpilling()) {
                    if (loose > looseAllowance) {
                        trim(loose - looseAllowance, trimmed);
                    }
                } else if (!retained.tryGrow(loose)) {
                    trim(loose, trimmed);
                    loose = idleBytes - retained.bytes();
                    if (loose > 0 && !retained.tryGrow(loose)) {
                        retained.tryGrow(Math.min(loose, budget.free(false))); // what fits; the rest stays loose
                    }
                }
            }
        }
        closeAll(trimmed);
    }

    /** Removes idle slabs, oldest first, until {@code bytes} are freed or none is left; holds lock. */
    private long trim(long bytes, List<Slab> out) {
        long freed = 0;
        var it = idleSlabs.iterator();
        while (freed < bytes && it.hasNext()) {
            Slab s = it.next();
            it.remove();
            s.closed = true;
            slabs.remove(s);
            free[s.cls].removeIf(b -> b.slab == s);
            slabBytes -= s.bytes();
            idleBytes -= s.bytes();
            idleSlabBytes -= s.bytes();
            freed += s.bytes();
            out.add(s);
        }
        return freed;
    }

    private void closeAll(List<Slab> slabsToClose) {
        for (Slab s : slabsToClose) {
            s.arena.close();
            arenasClosed.incrementAndGet();
            trimmedSlabs.incrementAndGet();
        }
    }

    void overflowed() {
        overflows.incrementAndGet();
        arenasCreated.incrementAndGet();
    }

    void overflowClosed() {
        arenasClosed.incrementAndGet();
    }

    /** {@inheritDoc} Here {@code SegmentPool}. */
    @Override
    public String name() {
        return "SegmentPool";
    }

    /** The bytes of slabs all of whose blocks are idle, as far as the pool's reservation pays for them. */
    @Override
    public long spillableBytes() {
        synchronized (lock) {
            return Math.min(idleSlabBytes, retained.bytes());
        }
    }

    /** Closes idle slabs, oldest first; returns the bytes its reservation gave back. */
    @Override
    public long spill(long bytesWanted) {
        List<Slab> trimmed = new ArrayList<>();
        long released;
        synchronized (lock) {
            if (closed) {
                return 0;
            }
            trim(bytesWanted, trimmed);
            long over = retained.bytes() - idleBytes;
            released = Math.max(0, over);
            if (released > 0) {
                retained.shrink(released);
            }
        }
        closeAll(trimmed);
        return released;
    }

    /**
     * The budget's last resort, when nothing can spill and no consumer can revoke: the pool's reservation stops
     * paying for up to {@code bytesWanted} of its idle blocks, which stay for reuse uncharged (a lease that takes one
     * pays for it), and the budget hands those bytes, still counted in use, to the reservation that needed them. These
     * are blocks in slabs that still lend others (many small chunks, some spilled and some read back, scatter them),
     * which {@link #spill} cannot close; without this a tight budget full of them could not make room at all, though
     * none holds a live chunk. The pool's memory then exceeds its reservation by those blocks, as the class
     * description allows. Returns the bytes taken: the caller now owns them ({@link #returnIdleCharge} if unused).
     */
    long takeIdleCharge(long bytesWanted) {
        synchronized (lock) {
            if (closed) {
                return 0;
            }
            return retained.detach(bytesWanted);
        }
    }

    /** Gives back bytes {@link #takeIdleCharge} took and the caller could not use. */
    void returnIdleCharge(long bytes) {
        synchronized (lock) {
            if (!closed) {
                retained.attach(bytes);
                return;
            }
        }
        budget.release(bytes, false);
    }

    /** The pool's own reservation. */
    Reservation reservation() {
        return retained;
    }

    /** Bytes the pool's own reservation holds now (the idle blocks it pays for). */
    public long chargedBytes() {
        return retained.bytes();
    }

    /** Bytes of all slabs now. */
    public long slabBytes() {
        synchronized (lock) {
            return slabBytes;
        }
    }

    /** Bytes of idle blocks now. */
    public long idleBytes() {
        synchronized (lock) {
            return idleBytes;
        }
    }

    /** Arenas created so far (slabs, arenas of large requests, overflows). */
    public long arenasCreated() {
        return arenasCreated.get();
    }

    /** Allocations served from a free block. */
    public long hits() {
        return hits.get();
    }

    /** Allocations that needed a new slab. */
    public long misses() {
        return misses.get();
    }

    /**
     * The counters, named {@code pool.*}: {@code arenasCreated}, {@code arenasClosed}, {@code hits},
     * {@code misses}, {@code dedicated} (requests over 256 MiB or with pooling off, an arena each),
     * {@code overflows} (a lease that outgrew its block), {@code trimmedSlabs}, and the bytes
     * {@code slabBytes}, {@code idleBytes}, {@code chargedBytes}.
     */
    public Map<String, Long> stats() {
        Map<String, Long> m = new TreeMap<>();
        m.put("pool.arenasCreated", arenasCreated.get());
        m.put("pool.arenasClosed", arenasClosed.get());
        m.put("pool.hits", hits.get());
        m.put("pool.misses", misses.get());
        m.put("pool.dedicated", dedicated.get());
        m.put("pool.overflows", overflows.get());
        m.put("pool.trimmedSlabs", trimmedSlabs.get());
        synchronized (lock) {
            m.put("pool.slabBytes", slabBytes);
            m.put("pool.idleBytes", idleBytes);
        }
        m.put("pool.chargedBytes", retained.bytes());
        return m;
    }

    /**
     * Closes every slab and the pool's reservation; idempotent. Leases still open lose their memory
     * (their reservations show as leaks in {@link MemoryBudget#close()}).
     */
    @Override
    public void close() {
        List<Slab> all;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(slabs);
            for (Slab s : all) {
                s.closed = true;
            }
            slabs.clear();
            idleSlabs.clear();
            for (ArrayDeque<Block> f : free) {
                f.clear();
            }
            slabBytes = 0;
            idleBytes = 0;
            idleSlabBytes = 0;
        }
        budget.removeSpillable(this);
        retained.close();
        for (Slab s : all) {
            s.arena.close();
            arenasClosed.incrementAndGet();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("SegmentPool is closed (its session or budget was closed)");
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "SegmentPool[" + slabs.size() + " slabs, " + MemoryBudget.formatBytes(slabBytes) + ", "
                    + MemoryBudget.formatBytes(idleBytes) + " idle, " + MemoryBudget.formatBytes(lentBytes) + " lent]";
        }
    }

    /** One shared arena of {@code blocks} blocks of class {@code cls}. Mutable fields guarded by the pool's lock. */
    static final class Slab {
        final Arena arena;
        final int cls;
        final int blocks;
        final long blockSize;
        int idle;
        boolean closed;

        Slab(Arena arena, int cls, int blocks, long blockSize) {
            this.arena = arena;
            this.cls = cls;
            this.blocks = blocks;
            this.blockSize = blockSize;
        }

        long bytes() {
            return blocks * blockSize;
        }
    }

    /** A block of a slab. */
    record Block(Slab slab, MemorySegment segment) {
    }
}
