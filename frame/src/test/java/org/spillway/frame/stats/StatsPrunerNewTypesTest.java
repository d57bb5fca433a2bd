package org.spillway.frame.stats;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.ChunkStats;
import org.spillway.spill.chunk.ChunkStats.ColumnStats;

/** Chunk skipping on timestamp_ntz and time (bounds as longs) and binary (bounds as unsigned bytes). */
class StatsPrunerNewTypesTest {
    private static final Schema SCHEMA = Schema.of(new Field("ts", DataType.TIMESTAMP_NTZ), new Field("t", DataType.TIME),
            new Field("b", DataType.BINARY));

    private static long micros(LocalDateTime t) {
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000;
    }

    private static final ChunkStats STATS = ChunkStats.of(100, List.of(
            new ColumnStats(3, micros(LocalDateTime.of(2024, 1, 1, 0, 0)), micros(LocalDateTime.of(2024, 1, 31, 12, 0))),
            new ColumnStats(0, 3_600_000_000L, 7_200_000_000L),
            new ColumnStats(1, new byte[] {0x10}, new byte[] {0x20, 0x01})));

    @Test
    void timestampNtzBoundsSkip() {
        assertTrue(StatsPruner.canSkip(col("ts").gt(lit(LocalDateTime.of(2024, 2, 1, 0, 0))), SCHEMA, STATS));
        assertTrue(StatsPruner.canSkip(col("ts").gt("2024-01-31 12:00:00"), SCHEMA, STATS));
        assertFalse(StatsPruner.canSkip(col("ts").geq("2024-01-31 12:00:00"), SCHEMA, STATS));
        assertFalse(StatsPruner.canSkip(col("ts").gt(lit(LocalDateTime.of(2024, 1, 15, 0, 0))), SCHEMA, STATS));
        assertTrue(StatsPruner.canSkip(col("ts").lt(lit(LocalDateTime.of(2023, 12, 31, 23, 59))), SCHEMA, STATS));
    }

    @Test
    void timeBoundsSkip() {
        assertTrue(StatsPruner.canSkip(col("t").lt(lit(LocalTime.of(0, 30))), SCHEMA, STATS));
        assertTrue(StatsPruner.canSkip(col("t").eq("03:00:00"), SCHEMA, STATS));
        assertFalse(StatsPruner.canSkip(col("t").eq(lit(LocalTime.of(1, 30))), SCHEMA, STATS));
    }

    @Test
    void binaryBoundsSkipAsUnsignedBytes() {
        assertTrue(StatsPruner.canSkip(col("b").eq(lit(new byte[] {0x30})), SCHEMA, STATS));
        assertFalse(StatsPruner.canSkip(col("b").eq(lit(new byte[] {0x15})), SCHEMA, STATS));
        assertTrue(StatsPruner.canSkip(col("b").geq(lit(new byte[] {(byte) 0x80})), SCHEMA, STATS), "0x80 is above 0x20 unsigned");
        assertFalse(StatsPruner.canSkip(col("b").lt(lit(new byte[] {(byte) 0x80})), SCHEMA, STATS));
        assertTrue(StatsPruner.canSkip(col("b").gt(lit(new byte[] {0x20, 0x01})), SCHEMA, STATS));
        assertFalse(StatsPruner.canSkip(col("b").gt(lit(new byte[] {0x20})), SCHEMA, STATS), "a longer value with the prefix is larger");
        // bounds of another form (say from a file's metadata) are not compared
        ChunkStats strings = ChunkStats.of(100, List.of(ColumnStats.UNKNOWN, ColumnStats.UNKNOWN, new ColumnStats(0, "a", "b")));
        assertFalse(StatsPruner.canSkip(col("b").eq(lit(new byte[] {0x7f})), SCHEMA, strings));
    }
}
