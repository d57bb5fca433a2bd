package org.spillway.frame.stats;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.ChunkStats;
import org.spillway.spill.chunk.ChunkStats.ColumnStats;

/** Chunk skipping on {@code isin} over constants and on {@code between}, as the comparisons they stand for. */
class StatsPrunerFunctionsTest {
    private static final Schema SCHEMA = Schema.of(new Field("x", DataType.INT64), new Field("s", DataType.STRING));
    private static final ChunkStats STATS = ChunkStats.of(100, List.of(new ColumnStats(0, 10L, 20L), new ColumnStats(5, "b", "d")));

    @Test
    void isinSkipsWhenNoValueIsInTheBounds() {
        assertTrue(StatsPruner.canSkip(col("x").isin(1, 2, 30L), SCHEMA, STATS));
        assertFalse(StatsPruner.canSkip(col("x").isin(1, 15), SCHEMA, STATS));
        assertFalse(StatsPruner.canSkip(col("x").isin(1, 20), SCHEMA, STATS));
        assertTrue(StatsPruner.canSkip(col("s").isin("a", "e"), SCHEMA, STATS));
        assertFalse(StatsPruner.canSkip(col("s").isin("a", "c"), SCHEMA, STATS));
        // not over constants, or too long a list: cannot tell
        assertFalse(StatsPruner.canSkip(col("x").isin(1, col("x")), SCHEMA, STATS));
        Object[] many = LongStream.range(100, 100 + StatsPruner.MAX_IN_LIST + 1).boxed().toArray();
        assertNull(StatsPruner.asComparisons(col("x").isin(many)));
        assertFalse(StatsPruner.canSkip(col("x").isin(many), SCHEMA, STATS));
        assertTrue(StatsPruner.canSkip(col("x").isin(java.util.Arrays.copyOf(many, StatsPruner.MAX_IN_LIST)), SCHEMA, STATS));
    }

    @Test
    void betweenSkipsOutsideTheBounds() {
        assertTrue(StatsPruner.canSkip(col("x").between(21, 30), SCHEMA, STATS));
        assertTrue(StatsPruner.canSkip(col("x").between(0, 9), SCHEMA, STATS));
        assertFalse(StatsPruner.canSkip(col("x").between(5, 10), SCHEMA, STATS));
        assertFalse(StatsPruner.canSkip(col("x").between(15, 16), SCHEMA, STATS));
        assertTrue(StatsPruner.canSkip(col("x").between(15, 16).and(col("s").between("e", "f")), SCHEMA, STATS));
        assertFalse(StatsPruner.canSkip(col("x").between(lit(0), col("x")), SCHEMA, STATS));
    }
}
