package org.spillway.spill.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.TestChunks;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;

/**
 * {@link VectorBuilder#scatter} and the state scatters against row-by-row
 * {@link VectorBuilder#appendFrom} into each destination: every type, with and without nulls, plain
 * strings of every length (past the 16 bytes copied as two words, and a last string that ends at
 * its segment's edge), dictionary strings, empty destinations, and destinations that already hold
 * rows (one of them a null, so its validity bits are kept).
 */
class ScatterTest {
    private final MemoryBudget budget = new MemoryBudget(64 << 20);
    private final List<Chunk> chunks = new ArrayList<>();
    private static final int PARTS = 7;

    @AfterEach
    void close() {
        chunks.forEach(Chunk::close);
        budget.close();
    }

    @Test
    void scatterEqualsAppendFromIntoEachDestination() {
        chunks.add(TestChunks.build(budget, 3, 900)); // nulls in i32, f64, flag, plain, dict; none in i64, day, ts
        chunks.add(noNulls(900));
        SplittableRandom rnd = new SplittableRandom(7);
        for (Chunk c : chunks) {
            for (int col = 0; col < c.columnCount(); col++) {
                ColumnVector src = c.column(col);
                for (int round = 0; round < 4; round++) {
                    int n = round == 0 ? src.size() : rnd.nextInt(src.size() + 1);
                    int[] part = new int[n];
                    int[] counts = new int[PARTS];
                    for (int i = 0; i < n; i++) {
                        part[i] = rnd.nextInt(PARTS - 2); // the last two destinations get nothing
                        counts[part[i]]++;
                    }
                    VectorBuilder[] outs = new VectorBuilder[PARTS];
                    VectorBuilder[] want = new VectorBuilder[PARTS];
                    for (int p = 0; p < PARTS; p++) {
                        outs[p] = VectorBuilder.forType(src.type(), 4);
                        want[p] = VectorBuilder.forType(src.type(), 4);
                        if (round >= 2 && p % 2 == 0) { // destinations that already hold rows
                            int k = 1 + rnd.nextInt(20);
                            for (int r = 0; r < k; r++) {
                                outs[p].appendFrom(src, r);
                                want[p].appendFrom(src, r);
                            }
                            if (p == 2) {
                                outs[p].appendNull();
                                want[p].appendNull();
                            }
                        }
                    }
                    outs[PARTS - 1] = null; // a destination without rows may be absent
                    VectorBuilder.scatter(src, n, part, counts, outs);
                    for (int i = 0; i < n; i++) {
                        want[part[i]].appendFrom(src, i);
                    }
                    for (int p = 0; p < PARTS - 1; p++) {
                        assertSame(want[p], outs[p], c.schema().field(col).name() + " round " + round + " destination " + p);
                    }
                }
            }
        }
    }

    @Test
    void stateScattersWriteOneLongOfEachStride() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 1000;
        int stride = 3;
        long[] st = new long[n * stride];
        for (int i = 0; i < st.length; i++) {
            st[i] = i % 3 == 2 ? Double.doubleToRawLongBits(rnd.nextDouble() * 100 - 50) : rnd.nextLong();
        }
        int[] part = new int[n];
        int[] counts = new int[PARTS];
        for (int i = 0; i < n; i++) {
            part[i] = rnd.nextInt(PARTS);
            counts[part[i]]++;
        }
        VectorBuilder[] longs = new VectorBuilder[PARTS];
        VectorBuilder[] doubles = new VectorBuilder[PARTS];
        for (int p = 0; p < PARTS; p++) {
            longs[p] = VectorBuilder.forType(DataType.INT64, 4);
            doubles[p] = VectorBuilder.forType(DataType.FLOAT64, 4);
        }
        LongVectorBuilder.scatter(st, 1, stride, n, part, counts, longs);
        DoubleVectorBuilder.scatterBits(st, 2, stride, n, part, counts, doubles);
        try (Arena a = Arena.ofConfined()) {
            for (int p = 0; p < PARTS; p++) {
                LongVector l = ((LongVectorBuilder) longs[p]).build(a);
                DoubleVector d = ((DoubleVectorBuilder) doubles[p]).build(a);
                assertEquals(counts[p], l.size());
                assertEquals(counts[p], d.size());
                int k = 0;
                for (int i = 0; i < n; i++) {
                    if (part[i] == p) {
                        assertEquals(st[i * stride + 1], l.get(k), "long of row " + i);
                        assertEquals(Double.longBitsToDouble(st[i * stride + 2]), d.get(k), "double of row " + i);
                        k++;
                    }
                }
                assertEquals(0, l.nullCount());
            }
        }
    }

    /** Every type without nulls; plain strings of 0 to 40 bytes, the last one short at the end of its segment. */
    private Chunk noNulls(int rows) {
        Schema schema = Schema.of(new Field("i32", DataType.INT32), new Field("i64", DataType.INT64),
                new Field("f64", DataType.FLOAT64), new Field("flag", DataType.BOOL), new Field("plain", DataType.STRING),
                new Field("dict", DataType.STRING));
        List<VectorBuilder> b = new ArrayList<>();
        for (int c = 0; c < schema.size(); c++) {
            b.add(VectorBuilder.forType(schema.type(c), rows));
        }
        ((StringVectorBuilder) b.get(4)).usePlain();
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < rows; i++) {
            ((IntVectorBuilder) b.get(0)).append(r.nextInt());
            ((LongVectorBuilder) b.get(1)).append(r.nextLong());
            ((DoubleVectorBuilder) b.get(2)).append(r.nextDouble());
            ((BoolVectorBuilder) b.get(3)).append(r.nextBoolean());
            int len = i == rows - 1 ? 3 : r.nextInt(41);
            StringBuilder s = new StringBuilder();
            for (int k = 0; k < len; k++) {
                s.append((char) ('a' + (i + k) % 26));
            }
            b.get(4).appendObject(s.toString());
            b.get(5).appendObject("v" + i % 5);
        }
        Chunk c = Chunk.build(schema, b, budget, "scatter test");
        assertTrue(c.column(4) instanceof StringVector p && !p.isDictionary(), "column plain is plain");
        assertTrue(c.column(5) instanceof StringVector d && d.isDictionary(), "column dict is a dictionary");
        return c;
    }

    private static void assertSame(VectorBuilder want, VectorBuilder got, String what) {
        try (Arena a = Arena.ofConfined()) {
            ColumnVector w = want.build(a);
            ColumnVector g = got.build(a);
            assertEquals(w.size(), g.size(), what);
            assertEquals(w.nullCount(), g.nullCount(), what);
            for (int i = 0; i < w.size(); i++) {
                if (!Objects.equals(w.getObject(i), g.getObject(i)) || w.isNull(i) != g.isNull(i)) {
                    assertEquals(w.getObject(i), g.getObject(i), what + " row " + i);
                    assertEquals(w.isNull(i), g.isNull(i), what + " null at row " + i);
                }
            }
        }
    }
}
