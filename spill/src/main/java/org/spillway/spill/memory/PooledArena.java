package org.spillway.spill.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Memory lent by a {@link SegmentPool}: an {@link Arena} that hands out consecutive slices of one
 * pooled block (a bump allocator), with the {@link Reservation} that pays for it. {@link #close()}
 * gives the block back to the pool and closes the reservation; it does not free the memory, so it is
 * cheap where closing a shared arena is a handshake with every thread.
 *
 * <p>Segments are <em>not</em> zeroed (a reused block holds what its last lease wrote): write before
 * reading. A request beyond the block (the lease asked for too little) is served by an arena of its
 * own, closed with this one, and counted as {@code pool.overflows}. {@link #allocate} is for one
 * thread at a time (as a builder is); {@link #close()} may be called from any thread, and once.
 */
public final class PooledArena implements Arena {
    private final SegmentPool pool;
    private final SegmentPool.Block block;
    private final Arena own;
    private final Reservation reservation;
    private final long lent;
    private final AtomicBoolean closed = new AtomicBoolean();
    private long used;
    private Arena overflow;

    PooledArena(SegmentPool pool, SegmentPool.Block block, Arena own, Reservation reservation, long lent) {
        this.pool = pool;
        this.block = block;
        this.own = own;
        this.reservation = reservation;
        this.lent = lent;
    }

    /** The reservation paying for this memory (closed with the arena). */
    public Reservation reservation() {
        return reservation;
    }

    /** The bytes this lease asked for (what its reservation holds). */
    public long lentBytes() {
        return lent;
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (closed.get()) {
            throw new IllegalStateException("PooledArena of " + reservation.consumer() + " is closed");
        }
        if (byteSize < 0 || byteAlignment <= 0 || (byteAlignment & (byteAlignment - 1)) != 0) {
            throw new IllegalArgumentException("Bad size " + byteSize + " or alignment " + byteAlignment);
        }
        if (own != null) {
            return own.allocate(byteSize, byteAlignment);
        }
        MemorySegment base = block.segment();
        long addr = base.address() + used;
        long start = ((addr + byteAlignment - 1) & -byteAlignment) - base.address();
        if (start + byteSize <= base.byteSize()) {
            used = start + byteSize;
            return base.asSlice(start, byteSize);
        }
        if (overflow == null) {
            overflow = Arena.ofShared();
            pool.overflowed();
        }
        return overflow.allocate(byteSize, byteAlignment);
    }

    @Override
    public MemorySegment.Scope scope() {
        return own != null ? own.scope() : block.slab().arena.scope();
    }

    /** Gives the memory back to the pool and closes the reservation; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (overflow != null) {
                overflow.close();
                pool.overflowClosed();
            }
        } finally {
            pool.release(block, own, reservation, lent);
        }
    }

    /** True once closed. */
    public boolean isClosed() {
        return closed.get();
    }
}
