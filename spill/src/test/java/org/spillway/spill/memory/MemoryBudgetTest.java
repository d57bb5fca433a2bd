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
