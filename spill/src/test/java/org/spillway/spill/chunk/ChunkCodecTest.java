package org.spillway.spill.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.TestChunks;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.memory.Reservation;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;
import org.spillway.spill.vector.VectorBuilder;

class ChunkCodecTest {
    private final MemoryBudget budget = new MemoryBudget(64L << 20);

    @AfterEach
    void noLeaks() {
        budget.close();
        assertEquals(0, budget.used());
    }

    private Chunk roundTrip(Chunk chunk) {
        long size = ChunkCodec.encodedSize(chunk);
        assertEquals(0, size % 8);
        Reservation r = budget.reserve("decoded", size);
        Arena arena = Arena.ofShared();
        MemorySegment seg = arena.allocate(size, 8);
        ChunkCodec.encode(chunk, seg);
        return ChunkCodec.decode(chunk.schema(), seg, arena, r);
    }

    @Test
    void roundTripsEveryTypeWithNullsAndBothStringLayouts() {
        for (int rows : new int[] {1, 7, 8, 9, 1000}) {
            try (Chunk in = TestChunks.build(budget, rows, rows); Chunk out = roundTrip(in)) {
                TestChunks.verify(out, rows, rows);
                assertSameVectors(in, out);
                if (rows == 1000) {
                    assertFalse(((StringVector) out.column("plain")).isDictionary());
                    assertTrue(((StringVector) out.column("dict")).isDictionary());
                    assertTrue(out.column("i32").hasNulls());
                    assertNull(out.column("i64").validity());
                }
            }
        }
    }

    @Test
    void roundTripsZeroRowColumns() {
        try (Chunk in = TestChunks.build(budget, 1, 0); Chunk out = roundTrip(in)) {
            assertEquals(0, out.rows());
            assertEquals(TestChunks.SCHEMA, out.schema());
            assertSameVectors(in, out);
        }
    }

    @Test
    void roundTripsAllNullAndAllEmptyStrings() {
        Schema schema = Schema.of(new Field("n", DataType.INT64), new Field("e", DataType.STRING),
                new Field("s", DataType.STRING), new Field("b", DataType.BOOL), new Field("d", DataType.FLOAT64));
        List<VectorBuilder> builders = List.of(VectorBuilder.forType(DataType.INT64, 100),
                VectorBuilder.forType(DataType.STRING, 100), VectorBuilder.forType(DataType.STRING, 100),
                VectorBuilder.forType(DataType.BOOL, 100), VectorBuilder.forType(DataType.FLOAT64, 100));
        for (int r = 0; r < 100; r++) {
            builders.get(0).appendNull();
            builders.get(1).appendObject("");
            builders.get(2).appendObject(r % 2 == 0 ? null : "");
            builders.get(3).appendNull();
            builders.get(4).appendObject(r % 3 == 0 ? null : Double.NaN);
        }
        try (Chunk in = Chunk.build(schema, builders, budget, "in"); Chunk out = roundTrip(in)) {
            assertSameVectors(in, out);
            for (int r = 0; r < 100; r++) {
                assertNull(out.column(0).getObject(r));
                assertEquals("", out.column(1).getObject(r));
                assertEquals(r % 2 == 0 ? null : "", out.column(2).getObject(r));
            }
        }
    }

    @Test
    void roundTripsTimestampNtzTimeAndBinaryInBothLayouts() {
        Schema schema = Schema.of(new Field("ntz", DataType.TIMESTAMP_NTZ), new Field("t", DataType.TIME),
                new Field("plain", DataType.BINARY), new Field("dict", DataType.BINARY));
        List<VectorBuilder> builders = new java.util.ArrayList<>();
        for (Field f : schema.fields()) {
            builders.add(VectorBuilder.forType(f.type(), 1000));
        }
        for (int r = 0; r < 1000; r++) {
            java.time.LocalDateTime ntz = java.time.LocalDateTime.of(1960, 1, 1, 0, 0).plusSeconds(r * 86_413L).plusNanos(r * 1000L);
            builders.get(0).appendObject(r % 7 == 0 ? null : ntz);
            builders.get(1).appendObject(r % 5 == 0 ? null : java.time.LocalTime.ofNanoOfDay(r * 86_399_999L % 86_400_000_000L * 1000));
            builders.get(2).appendObject(r % 9 == 0 ? null : new byte[] {(byte) r, (byte) (r >> 8), (byte) 0xff, 0});
            builders.get(3).appendObject(r % 4 == 0 ? null : new byte[] {(byte) (r % 3 == 0 ? 1 : 0x80 + r % 3)});
        }
        try (Chunk in = Chunk.build(schema, builders, budget, "in"); Chunk out = roundTrip(in)) {
            assertSameVectors(in, out);
            assertFalse(((StringVector) out.column("plain")).isDictionary());
            assertTrue(((StringVector) out.column("dict")).isDictionary());
            for (int c = 0; c < 4; c++) {
                assertEquals(schema.type(c), out.column(c).type());
                for (int r = 0; r < 1000; r++) {
                    assertTrue(java.util.Objects.deepEquals(in.column(c).getObject(r), out.column(c).getObject(r)), "column " + c + " row " + r);
                }
            }
            assertEquals(java.time.LocalDateTime.of(1960, 1, 1, 0, 0).plusSeconds(86_413L).plusNanos(1000L), out.column(0).getObject(1));
            assertEquals(java.time.LocalTime.ofNanoOfDay(86_399_999_000L), out.column(1).getObject(1));
            assertTrue(java.util.Arrays.equals(new byte[] {1, 0, (byte) 0xff, 0}, (byte[]) out.column(2).getObject(1)));
            ChunkStats st = ChunkStats.of(out);
            assertTrue(java.util.Arrays.equals(new byte[] {1}, (byte[]) st.column(3).min()), "unsigned byte order");
            assertTrue(java.util.Arrays.equals(new byte[] {(byte) 0x82}, (byte[]) st.column(3).max()));
            assertFalse(st.column(2).allNull());
            assertEquals(-315_619_200_000_000L + 86_413_000_001L, st.column(0).min());
        }
    }

    @Test
    void roundTripsZeroColumnChunk() {
        Schema empty = Schema.of();
        try (Chunk in = Chunk.empty(empty, 42); Chunk out = roundTrip(in)) {
            assertEquals(42, out.rows());
            assertEquals(0, out.columnCount());
        }
    }

    @Test
    void rejectsWrongSchema() {
        try (Chunk in = TestChunks.build(budget, 3, 10)) {
            long size = ChunkCodec.encodedSize(in);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate(size, 8);
                ChunkCodec.encode(in, seg);
                Schema other = TestChunks.SCHEMA.select(1, 0, 2, 3, 4, 5, 6, 7);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> ChunkCodec.decode(other, seg, arena, null));
                assertTrue(e.getMessage().contains("schema says"), e.getMessage());
                assertThrows(IllegalArgumentException.class,
                        () -> ChunkCodec.decode(TestChunks.SCHEMA, seg.asSlice(0, size - 8), arena, null));
            }
        }
    }

    static void assertSameVectors(Chunk in, Chunk out) {
        assertEquals(in.rows(), out.rows());
        assertEquals(in.columnCount(), out.columnCount());
        for (int c = 0; c < in.columnCount(); c++) {
            ColumnVector a = in.column(c);
            ColumnVector b = out.column(c);
            assertEquals(a.type(), b.type());
            assertEquals(a.nullCount(), b.nullCount());
            assertEquals(a.validity() == null, b.validity() == null);
            for (int r = 0; r < a.size(); r++) {
                assertEquals(a.isNull(r), b.isNull(r));
                assertTrue(java.util.Objects.deepEquals(a.getObject(r), b.getObject(r)), "row " + r); // binary: byte[]
            }
            switch (a) {
                case IntVector x -> {
                    assertEquals(x.min(), ((IntVector) b).min());
                    assertEquals(x.max(), ((IntVector) b).max());
                }
                case LongVector x -> {
                    assertEquals(x.min(), ((LongVector) b).min());
                    assertEquals(x.max(), ((LongVector) b).max());
                }
                case DoubleVector x -> {
                    assertEquals(x.min(), ((DoubleVector) b).min());
                    assertEquals(x.max(), ((DoubleVector) b).max());
                }
                case BoolVector x -> assertEquals(x.trueCount(), ((BoolVector) b).trueCount());
                case StringVector x -> {
                    StringVector y = (StringVector) b;
                    assertEquals(x.isDictionary(), y.isDictionary());
                    if (x.isDictionary()) {
                        assertEquals(x.dictionarySize(), y.dictionarySize());
                        for (int r = 0; r < x.size(); r++) {
                            assertEquals(x.code(r), y.code(r));
                        }
                    }
                }
            }
        }
    }
}
