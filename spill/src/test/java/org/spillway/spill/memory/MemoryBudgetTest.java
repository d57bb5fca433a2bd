package org.spillway.spill.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
    /** A spillable that holds a reservation and gives it back when asked. */
    static final class Holder implements Spillable {
        final Reservation r;
        final AtomicLong calls = new AtomicLong();

        Holder(MemoryBudget b, long bytes) {
            r = b.reserve("holder", bytes);
        }

        @Override
        public String name() {
            return "holder";
        }

        @Override
        public long spillableBytes() {
            return r.bytes();
        }

        @Override
        public long spill(long wanted) {
            calls.incrementAndGet();
            long give = Math.min(wanted, r.bytes());
            r.shrink(give);
            return give;
        }
    }

    /**
     * A store of slow-to-spill blocks, thread-safe like the chunk store: each spill call takes
     * disjoint blocks under a lock, then "writes" them outside it (a sleep) before freeing them.
     */
    static final class SlowStore implements Spillable {
        final java.util.ArrayDeque<Reservation> blocks = new java.util.ArrayDeque<>();
        final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger mostInFlight = new java.util.concurrent.atomic.AtomicInteger();
        final AtomicLong held = new AtomicLong();

        synchronized void add(Reservation r) {
            blocks.add(r);
            held.addAndGet(r.bytes());
        }

        @Override
        public String name() {
            return "slow store";
        }

        @Override
        public long spillableBytes() {
            return held.get();
        }

        @Override
        public long spill(long wanted) {
            java.util.List<Reservation> victims = new java.util.ArrayList<>();
            synchronized (this) {
                long planned = 0;
                while (planned < wanted && !blocks.isEmpty()) {
                    Reservation r = blocks.poll();
                    planned += r.bytes();
                    held.addAndGet(-r.bytes());
                    victims.add(r);
                }
            }
            if (victims.isEmpty()) {
                return 0;
            }
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(2); // the write
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            long freed = 0;
            for (Reservation r : victims) {
                freed += r.bytes();
                r.close();
            }
            return freed;
        }
    }

    /**
     * Four threads that keep reserving blocks, each evicting others' blocks when the budget is full:
     * spills run at the same time on several threads, none fails while there is something to spill
     * (a thread that finds every block already being spilled waits for those spills), and the
     * budget never goes over its limit.
     */
    @Test
    void threadsShortOfMemorySpillConcurrentlyAndNoneFailsWhileSomethingCanBeSpilled() throws Exception {
        MemoryBudget b = new MemoryBudget(64 * 1000);
        SlowStore store = new SlowStore();
        b.addSpillable(store);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread[] ts = new Thread[4];
        for (int t = 0; t < ts.length; t++) {
            ts[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 300; i++) {
                        store.add(b.reserve("block", 1000 + (i % 7) * 100));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("a reservation failed although blocks could be spilled", failure.get());
        }
        assertTrue(store.mostInFlight.get() >= 2, "spills never overlapped: " + store.mostInFlight.get());
        assertTrue(b.peak() <= b.limit());
        store.spill(Long.MAX_VALUE);
        assertEquals(0, b.used());
        b.close();
    }

    @Test
    void aReservationBeyondTheLimitEvictsThenFailsCleanly() {
        MemoryBudget b = new MemoryBudget(1000);
        Holder h = new Holder(b, 800);
        b.addSpillable(h);
        Reservation r = b.reserve("query", 500);
        assertTrue(h.calls.get() > 0, "the holder was asked to spill");
        // it gave up what was missing plus a little slack (1/64 of the limit)
        assertEquals(800 - 300 - 1000 / 64, h.r.bytes());
        assertEquals(500 + h.r.bytes(), b.used());
        assertEquals(300 + 1000 / 64, b.spilledBytes());

        // the holder gives up the rest, which is still not enough: a clear failure, nothing half-reserved
        BudgetExceededException e = assertThrows(BudgetExceededException.class, () -> b.reserve("big operator", 900));
        assertTrue(e.getMessage().contains("big operator") && e.getMessage().contains("memoryLimit"), e.getMessage());
        assertEquals(500, b.used(), "the failed reservation took nothing, the holder gave up everything");
        r.close();
        h.r.close();
        assertEquals(0, b.used());
        assertTrue(b.peak() <= b.limit());
        b.close();
    }

    @Test
    void closeReportsLeaks() {
        MemoryBudget b = new MemoryBudget(1 << 20);
        Reservation r = b.reserve("leaky operator", 100);
        IllegalStateException e = assertThrows(IllegalStateException.class, b::close);
        assertTrue(e.getMessage().contains("leaky operator"), e.getMessage());
        r.close();
        b.close();
    }

    @Test
    void parsesAndFormatsSizes() {
        assertEquals(64L << 20, MemoryBudget.parseBytes("64m"));
        assertEquals(1L << 30, MemoryBudget.parseBytes("1g"));
        assertEquals(1536, MemoryBudget.parseBytes("1.5k"));
        assertThrows(IllegalArgumentException.class, () -> MemoryBudget.parseBytes("lots"));
        assertEquals("16.0 MiB", MemoryBudget.formatBytes(16L << 20));
    }
}
