package org.spillway.frame.exec.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.spillway.frame.SpillwayException;

/** The top-k value array of a partition: sized exactly, and a clear error where it cannot be. */
class HolisticAggregatesTest {
    @Test
    void topKSlotsAreGroupsTimesK() {
        assertEquals(0, HolisticAggregates.topKSlots(0, 5));
        assertEquals(3_000, HolisticAggregates.topKSlots(1_000, 3));
        assertEquals(Integer.MAX_VALUE - 8, HolisticAggregates.topKSlots(1, Integer.MAX_VALUE - 8));
    }

    @Test
    void tooManySlotsIsAnErrorNamingKAndTheGroups() {
        // before the split the in-memory path allocated an empty array here and failed with an
        // ArrayIndexOutOfBoundsException (and g * k overflowed); the sorted path with "integer overflow"
        SpillwayException e = assertThrows(SpillwayException.class, () -> HolisticAggregates.topKSlots(3_000_000, 1_000));
        assertTrue(e.getMessage().contains("topK(1000) over 3000000 groups"), e.getMessage());
    }
}
