package org.spillway.spill.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SegmentPoolTest {
    private static final long MIB = 1 << 20;

    @Test
    void sizeClassesFitTheRequestAndWasteAtMostAFifth() {
        long prev = 0;
        for (int c = 0; c < SegmentPool.CLASSES; c++) {
            long size = SegmentPool.classSize(c);
            assertTrue(size > prev, "classes grow: " + c);
            assertEquals(c, SegmentPool.classOf(size), "a class's own size maps to it");
            assertEquals(c, SegmentPool.classOf(prev + 1), "the smallest request of the class");
            assertEquals(0, size % 1024, "blocks stay aligned: " + size);
            prev = size;
        }
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long n = 1 + rnd.nextLong(1L << SegmentPool.MAX_SHIFT);
            long size = SegmentPool.classSize(SegmentPool.classOf(n));
            assertTrue(size >= n, n + " fits " + size);
            assertTrue(n <= 4096 || size <= n * 5 / 4 + 1, n + " wastes at most a fifth: " + size);
        }
        assertEquals(-1, SegmentPool.classOf((1L << SegmentPool.MAX_SHIFT) + 1));
    }

    @Test
    void aClosedLeaseIsReusedWithoutANewArenaAndItsMemoryStaysCounted() {
        try (MemoryBudget budget = new MemoryBudget(256 * MIB, true)) {
            SegmentPool pool = budget.pool();
            PooledArena a = pool.allocate("a", 100_000);
            MemorySegment s = a.allocate(100_000, 8);
            s.fill((byte) 1);
            assertEquals(100_000, budget.used());
            assertEquals(100_000, a.reservation().bytes());
            a.close();
            a.close(); // idempotent
            assertEquals(0, budget.used(), "memory kept for reuse is not in use");
            assertTrue(budget.pooled() > 0, "but the pool pays for it: " + pool.stats());
            assertEquals(budget.limit() - budget.pooled(), budget.free());
            long created = pool.arenasCreated();
            for (int i = 0; i < 1000; i++) {
                try (PooledArena b = pool.allocate("b", 90_000 + i)) {
                    b.allocate(90_000, 8).fill((byte) i);
                }
            }
            assertEquals(created, pool.arenasCreated(), "no new arena: " + pool.stats());
            assertTrue(pool.hits() >= 1000, pool.stats().toString());
            assertEquals(0, budget.used());
        }
    }

    @Test
    void manyThreadsAllocateAndFreeWithoutSharingABlock() throws Exception {
        MemoryBudget budget = new MemoryBudget(512 * MIB, true);
        SegmentPool pool = budget.pool();
        int threads = 8;
        ExecutorService ex = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                fs.add(ex.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    List<PooledArena> held = new ArrayList<>();
                    List<Long> marks = new ArrayList<>();
                    List<MemorySegment> segs = new ArrayList<>();
                    for (int i = 0; i < 3000; i++) {
                        if (held.size() < 8 && (held.isEmpty() || rnd.nextBoolean())) {
                            long n = 8 + rnd.nextLong(2 * MIB);
                            PooledArena a = pool.allocate("t" + seed, n);
                            MemorySegment s = a.allocate(n & ~7L, 8);
                            long mark = rnd.nextLong();
                            for (long o = 0; o + 8 <= s.byteSize(); o += 4096) {
                                s.set(ValueLayout.JAVA_LONG_UNALIGNED, o, mark);
                            }
                            held.add(a);
                            marks.add(mark);
                            segs.add(s);
                        } else {
                            int k = rnd.nextInt(held.size());
                            PooledArena a = held.remove(k);
                            long mark = marks.remove(k);
                            check(segs.remove(k), mark);
                            // closing on another thread than the one that allocated is allowed
                            a.close();
                        }
                    }
                    for (int k = 0; k < held.size(); k++) {
                        check(segs.get(k), marks.get(k));
                        held.get(k).close();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            ex.shutdown();
        }
        assertEquals(0, budget.used(), budget.liveReservations().toString());
        assertTrue(pool.hits() > 10_000, pool.stats().toString());
        assertTrue(pool.arenasCreated() < 1000, "arenas are reused: " + pool.stats());
        budget.close(); // no leaks
    }

    /** Every 4 KiB of the lease's segment still holds its mark: no other lease wrote there. */
    private static void check(MemorySegment s, long mark) {
        for (long o = 0; o + 8 <= s.byteSize(); o += 4096) {
            assertEquals(mark, s.get(ValueLayout.JAVA_LONG_UNALIGNED, o), "offset " + o);
        }
    }

    @Test
    void anotherConsumerShortOfMemoryMakesThePoolCloseIdleSlabs() {
        try (MemoryBudget budget = new MemoryBudget(64 * MIB, true)) {
            SegmentPool pool = budget.pool();
            List<PooledArena> leases = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                leases.add(pool.allocate("chunk", MIB));
            }
            leases.forEach(PooledArena::close);
            assertTrue(budget.pooled() >= 40 * MIB, pool.stats().toString());
            long closedBefore = pool.stats().get("pool.arenasClosed");
            try (Reservation big = budget.reserve("hash table", 60 * MIB)) {
                assertEquals(60 * MIB, big.bytes());
                assertTrue(budget.pooled() <= 4 * MIB, "the pool gave its idle memory back: " + pool.stats());
                assertTrue(pool.stats().get("pool.arenasClosed") > closedBefore, pool.stats().toString());
                assertTrue(pool.slabBytes() <= 4 * MIB, pool.stats().toString());
            }
        }
    }

    @Test
    void thePoolNeverHoldsMoreThanTheBudgetAllows() {
        try (MemoryBudget budget = new MemoryBudget(16 * MIB, true)) {
            SegmentPool pool = budget.pool();
            SplittableRandom rnd = new SplittableRandom(3);
            List<PooledArena> held = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                if (held.size() < 6 && rnd.nextInt(3) > 0) {
                    held.add(pool.allocate("x", 1 + rnd.nextLong(2 * MIB)));
                } else if (!held.isEmpty()) {
                    held.remove(rnd.nextInt(held.size())).close();
                }
                long lent = held.stream().mapToLong(PooledArena::lentBytes).sum();
                assertEquals(lent, budget.used());
                assertTrue(pool.slabBytes() <= budget.limit() * 3 / 2, "only lent blocks' slack is over: " + pool.stats());
                assertTrue(budget.used() + budget.pooled() <= budget.limit());
            }
            held.forEach(PooledArena::close);
        }
    }

    @Test
    void largeRequestsGetAnArenaOfTheirOwnAndOverflowsAreServed() {
        try (MemoryBudget budget = new MemoryBudget(1L << 40, true)) {
            SegmentPool pool = budget.pool();
            try (PooledArena a = pool.allocate("big", (1L << SegmentPool.MAX_SHIFT) + 1)) {
                assertEquals(1, pool.stats().get("pool.dedicated"));
                a.allocate(16, 8).set(ValueLayout.JAVA_LONG, 8, 42L);
            }
            assertEquals(1, pool.stats().get("pool.arenasClosed"));
            try (PooledArena a = pool.allocate("small", 100)) {
                MemorySegment in = a.allocate(100, 8);
                MemorySegment out = a.allocate(1 << 20, 8); // more than asked: an arena of its own
                out.fill((byte) 3);
                in.fill((byte) 1);
                assertEquals(1, pool.stats().get("pool.overflows"));
                assertEquals(3, out.get(ValueLayout.JAVA_BYTE, (1 << 20) - 1));
            }
        }
    }

    @Test
    void segmentsAreAlignedAndDisjoint() {
        try (MemoryBudget budget = new MemoryBudget(64 * MIB, true); PooledArena a = budget.pool().allocate("x", 10_000)) {
            MemorySegment s1 = a.allocate(13, 1);
            MemorySegment s2 = a.allocate(800, 64);
            MemorySegment s3 = a.allocate(24, 8);
            assertEquals(0, s2.address() % 64);
            assertEquals(0, s3.address() % 8);
            assertTrue(s1.address() + 13 <= s2.address() && s2.address() + 800 <= s3.address());
        }
    }

    @Test
    void withoutPoolingEveryLeaseHasItsOwnArena() {
        try (MemoryBudget budget = new MemoryBudget(64 * MIB, false)) {
            for (int i = 0; i < 10; i++) {
                budget.pool().allocate("x", 1000).close();
            }
            assertEquals(10, budget.pool().arenasCreated());
            assertEquals(10, budget.pool().stats().get("pool.arenasClosed"));
            assertEquals(0, budget.pooled());
        }
    }

    @Test
    void closingTheBudgetClosesThePoolAndStillReportsLeases() {
        MemoryBudget budget = new MemoryBudget(64 * MIB, true);
        PooledArena leaked = budget.pool().allocate("leaky", 5000);
        MemorySegment s = leaked.allocate(5000, 8);
        IllegalStateException e = assertThrows(IllegalStateException.class, budget::close);
        assertTrue(e.getMessage().contains("leaky"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_BYTE, 0), "its memory was freed");
        assertThrows(IllegalStateException.class, () -> budget.pool().allocate("late", 10));
        leaked.close(); // harmless after the pool closed
    }
}
