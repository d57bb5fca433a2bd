package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.spillway.spill.memory.ProcessMemory;

/** The split of the memory limit between heap and budget (Spillway.Builder), and what sw.memory() reports. */
class SpillwayMemoryTest {
    private static final long MIB = 1L << 20;

    @Test
    void aHeapInsideTheLimitLeavesTheRestToTheBudgetUpToHalfTheHeap() {
        assertEquals(256 * MIB, Spillway.Builder.offHeapBudget(1024 * MIB, 768 * MIB));
        assertEquals(300 * MIB, Spillway.Builder.offHeapBudget(1024 * MIB, 724 * MIB));
        assertEquals(128 * MIB, Spillway.Builder.offHeapBudget(1024 * MIB, 256 * MIB), "the heap holds twice the budget");
        assertEquals(256 * MIB, Spillway.Builder.offHeapBudget(256 * MIB, 1024 * MIB), "a heap beside the limit: the whole limit");
        assertEquals(64 * MIB, Spillway.Builder.offHeapBudget(64 * MIB, 64 * MIB));
        long limit = 4L << 30;
        long heap = Spillway.Builder.heapFor(limit);
        assertEquals(3L << 30, heap);
        assertEquals(1L << 30, Spillway.Builder.offHeapBudget(limit, heap), "the launcher's heap: a quarter of the limit for the budget");
        assertEquals(32 * MIB, Spillway.Builder.heapFor(16 * MIB));
    }

    @Test
    void memoryReportsTheSplitAndTheProcessRss() {
        try (Spillway sw = Spillway.builder().memoryLimit("16m").progress(false).build()) {
            SessionMemory m = sw.memory();
            assertEquals(16 * MIB, m.limit());
            assertEquals(ProcessMemory.maxHeap(), m.maxHeap());
            assertEquals(sw.budget().limit(), m.budget());
            if (ProcessMemory.rss() > 0) { // Linux
                assertTrue(m.rss() > 0 && m.peakRss() >= m.rss() - (16 * MIB), m.toString());
                assertTrue(sw.memoryReport().contains("RSS"), sw.memoryReport());
            }
            assertTrue(m.toString().startsWith("memory: limit 16.0 MiB"), m.toString());
        }
    }
}
