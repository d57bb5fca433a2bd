package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.spillway.spill.memory.BudgetExceededException;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.memory.ProcessMemory;
import org.spillway.spill.memory.Reservation;

/** The split of the memory limit between heap and budget (Spillway.Builder), and what sw.memory() reports. */
class SpillwayMemoryTest {
    private static final long MIB = 1L << 20;

    @Test
    void aHeapInsideTheLimitLeavesTheRestToChunksAndAQuarterOfItselfToOperatorState() {
        assertEquals(new BudgetSplit(256 * MIB, 192 * MIB, false), Spillway.Builder.budgetSplit(1024 * MIB, 768 * MIB));
        assertEquals(new BudgetSplit(768 * MIB, 64 * MIB, false), Spillway.Builder.budgetSplit(1024 * MIB, 256 * MIB),
                "the launcher's default heap under a 1g limit");
        assertEquals(new BudgetSplit(64 * MIB, 64 * MIB, false), Spillway.Builder.budgetSplit(256 * MIB, 256 * MIB),
                "a heap as large as the limit: a quarter of the limit off-heap");
        assertEquals(new BudgetSplit(256 * MIB, 256 * MIB, true), Spillway.Builder.budgetSplit(256 * MIB, 1024 * MIB),
                "a heap beside the limit: one shared budget of the whole limit");
        long limit = 4L << 30;
        long heap = Spillway.Builder.heapFor(limit);
        assertEquals(3L << 30, heap);
        BudgetSplit launcher = Spillway.Builder.budgetSplit(limit, heap);
        assertEquals(1L << 30, launcher.offHeap(), "the launcher's heap: a quarter of the limit for chunks");
        assertEquals(limit + Spillway.JVM_OVERHEAD, launcher.maxRss(heap), "and the process stays under the limit");
        assertEquals(32 * MIB, Spillway.Builder.heapFor(16 * MIB));
        for (long l : new long[] {64 * MIB, 256 * MIB, 1L << 30, 12L << 30}) {
            for (long h : new long[] {32 * MIB, Spillway.Builder.LAUNCHER_HEAP, Spillway.Builder.heapFor(l), l}) {
                BudgetSplit sp = Spillway.Builder.budgetSplit(l, h);
                assertTrue(sp.total() <= l, sp + " within " + l);
                assertTrue(sp.maxRss(h) <= (h > l ? h + l : Math.max(l, h + l / 4)) + Spillway.JVM_OVERHEAD, sp + " bounds the process");
            }
        }
    }

    @Test
    void aSplitBudgetCapsEachPartOnItsOwn() {
        try (MemoryBudget b = MemoryBudget.split(4 * MIB, 2 * MIB)) {
            assertTrue(b.isSplit());
            assertEquals(6 * MIB, b.limit());
            Reservation state = b.newReservation("HashAggregate#1");
            Reservation chunks = b.newOffHeapReservation("chunks");
            assertTrue(state.tryGrow(2 * MIB));
            assertFalse(state.tryGrow(1), "the heap part is full although the off-heap part is empty");
            BudgetExceededException e = assertThrows(BudgetExceededException.class, () -> state.grow(MIB));
            assertTrue(e.getMessage().contains("HashAggregate#1") && e.getMessage().contains("heap part"), e.getMessage());
            assertTrue(chunks.tryGrow(4 * MIB), "the off-heap part is its own");
            assertFalse(chunks.tryGrow(1));
            assertEquals(2 * MIB, b.heapUsed());
            state.close();
            chunks.close();
            assertEquals(0, b.used());
        }
    }

    @Test
    void memoryReportsTheSplitAndTheProcessRss() {
        try (Spillway sw = Spillway.builder().memoryLimit("16m").progress(false).build()) {
            SessionMemory m = sw.memory();
            assertEquals(16 * MIB, m.limit());
            assertEquals(ProcessMemory.maxHeap(), m.maxHeap());
            assertEquals(Spillway.Builder.budgetSplit(16 * MIB, ProcessMemory.maxHeap()), m.split());
            assertEquals(sw.budget().limit(), m.split().total());
            if (ProcessMemory.rss() > 0) { // Linux
                assertTrue(m.rss() > 0 && m.peakRss() >= m.rss() - (16 * MIB), m.toString());
                assertTrue(sw.memoryReport().contains("RSS"), sw.memoryReport());
            }
            assertTrue(m.toString().startsWith("memory: limit 16.0 MiB"), m.toString());
        }
    }
}
