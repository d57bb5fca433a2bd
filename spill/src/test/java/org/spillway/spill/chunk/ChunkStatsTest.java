package org.spillway.spill.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.vector.VectorBuilder;

class ChunkStatsTest {
    @Test
    void boundsPerType() {
        Schema schema = Schema.of(new Field("i", DataType.INT32), new Field("l", DataType.TIMESTAMP),
                new Field("d", DataType.FLOAT64), new Field("b", DataType.BOOL), new Field("dt", DataType.DATE),
                new Field("s", DataType.STRING), new Field("n", DataType.FLOAT64), new Field("p", DataType.STRING));
        List<VectorBuilder> bs = schema.fields().stream().map(f -> VectorBuilder.forType(f.type(), 4)).toList();
        Object[][] rows = {
                {5, 10L, 1.5, true, 3, "b\u00e9", Double.NaN, "zz"},
                {null, -3L, Double.NaN, true, null, null, null, "\uD83D\uDE00"},
                {-2, 7L, -0.5, null, -1, "\uFFFD", Double.NaN, "a"},
                {9, 0L, null, true, 8, "b", null, "ab"},
        };
        for (Object[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                bs.get(c).appendObject(row[c]);
            }
        }
        try (MemoryBudget budget = new MemoryBudget(1 << 20); Chunk chunk = Chunk.build(schema, bs, budget, "stats")) {
            ChunkStats st = ChunkStats.of(chunk);
            assertEquals(4, st.rows());
            assertEquals(new ChunkStats.ColumnStats(1, -2, 9), st.column(0));
            assertEquals(new ChunkStats.ColumnStats(0, -3L, 10L), st.column(1));
            assertEquals(new ChunkStats.ColumnStats(1, -0.5, 1.5), st.column(2), "NaN ignored");
            assertEquals(new ChunkStats.ColumnStats(1, true, true), st.column(3));
            assertEquals(new ChunkStats.ColumnStats(1, -1, 8), st.column(4));
            // by UTF-8 bytes: "b" < "bé" < U+FFFD
            assertEquals(new ChunkStats.ColumnStats(1, "b", "\uFFFD"), st.column(5));
            ChunkStats.ColumnStats nan = st.column(6);
            assertEquals(2, nan.nullCount());
            assertNull(nan.min());
            assertNull(nan.max());
            // U+1F600 sorts after "zz" by UTF-8 bytes (but before it in UTF-16)
            assertEquals(new ChunkStats.ColumnStats(0, "a", "\uD83D\uDE00"), st.column(7));
        }
    }

    @Test
    void dictionaryBoundsUseOnlyNonNullRows() {
        Schema schema = Schema.of(new Field("s", DataType.STRING));
        VectorBuilder b = VectorBuilder.forType(DataType.STRING, 100);
        for (int i = 0; i < 100; i++) {
            b.appendObject(i % 2 == 0 ? null : (i % 3 == 0 ? "m" : "k"));
        }
        try (MemoryBudget budget = new MemoryBudget(1 << 20); Chunk chunk = Chunk.build(schema, List.of(b), budget, "stats")) {
            // the builder interned "" for the nulls; it must not become the minimum
            assertEquals(new ChunkStats.ColumnStats(50, "k", "m"), ChunkStats.of(chunk).column(0));
        }
    }

    @Test
    void plainStringBounds() {
        Schema schema = Schema.of(new Field("s", DataType.STRING));
        VectorBuilder b = VectorBuilder.forType(DataType.STRING, 4);
        for (int i = 0; i < 40; i++) {
            b.appendObject(i % 5 == 0 ? null : "v" + (100 + i));
        }
        try (MemoryBudget budget = new MemoryBudget(1 << 20); Chunk chunk = Chunk.build(schema, List.of(b), budget, "stats")) {
            assertEquals(false, ((org.spillway.spill.vector.StringVector) chunk.column(0)).isDictionary());
            assertEquals(new ChunkStats.ColumnStats(8, "v101", "v139"), ChunkStats.of(chunk).column(0));
        }
    }
}
