package org.spillway.spill.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.spillway.spill.DataType;
import org.spillway.spill.TestChunks;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;

/**
 * {@link VectorBuilder#gather} and {@link VectorBuilder#appendRange} against row-by-row
 * {@link VectorBuilder#appendFrom}: every type, nulls, plain and dictionary strings, stretches of
 * consecutive rows long enough for the bulk paths, batches that end anywhere, and builders reused
 * after {@link VectorBuilder#reset()}.
 */
class GatherTest {
    private final MemoryBudget budget = new MemoryBudget(64 << 20);
    private final List<Chunk> chunks = new ArrayList<>();

    @AfterEach
    void close() {
        chunks.forEach(Chunk::close);
        budget.close();
    }

    @Test
    void gatherEqualsAppendFromForEveryType() {
        int[] sizes = {300, 45, 1, 128, 700};
        for (int s = 0; s < sizes.length; s++) {
            chunks.add(TestChunks.build(budget, s + 1, sizes[s]));
        }
        assertTrue(chunks.get(0).column(6) instanceof StringVector p && !p.isDictionary(), "column 6 is plain");
        assertTrue(chunks.get(0).column(7) instanceof StringVector d && d.isDictionary(), "column 7 is a dictionary");
        SplittableRandom rnd = new SplittableRandom(11);
        for (int round = 0; round < 30; round++) {
            // a gather list of stretches: single rows and runs of up to 60 consecutive rows
            int n = 1 + rnd.nextInt(3000);
            int[] vectors = new int[n];
            int[] rows = new int[n];
            for (int i = 0; i < n; ) {
                int v = rnd.nextInt(sizes.length);
                int len = Math.min(n - i, rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(60) : 1);
                int start = rnd.nextInt(sizes[v]);
                for (int k = 0; k < len && start + k < sizes[v]; k++, i++) {
                    vectors[i] = v;
                    rows[i] = start + k;
                }
            }
            for (int col = 0; col < TestChunks.SCHEMA.size(); col++) {
                DataType type = TestChunks.SCHEMA.type(col);
                ColumnVector[] sources = new ColumnVector[sizes.length + 1]; // a trailing null slot is allowed
                for (int v = 0; v < sizes.length; v++) {
                    sources[v] = chunks.get(v).column(col);
                }
                VectorBuilder gathered = VectorBuilder.forType(type, 64);
                VectorBuilder reference = VectorBuilder.forType(type, 64);
                if (gathered instanceof StringVectorBuilder sb && round % 2 == 1) {
                    sb.keepDictionaryAcrossResets();
                }
                // twice, with a reset between: slot maps of the first use must not leak into the second
                for (int pass = 0; pass < 3; pass++) {
                    gathered.reset();
                    reference.reset();
                    int from = 0;
                    while (from < n) {
                        int to = Math.min(n, from + 1 + rnd.nextInt(700));
                        if (rnd.nextInt(5) == 0) {
                            // a bulk copy of one source's rows in between
                            int v = rnd.nextInt(sizes.length);
                            int start = rnd.nextInt(sizes[v]);
                            int count = rnd.nextInt(sizes[v] - start + 1);
                            gathered.appendRange(sources[v], start, count);
                            for (int k = 0; k < count; k++) {
                                reference.appendFrom(sources[v], start + k);
                            }
                        }
                        gathered.gather(sources, vectors, rows, from, to);
                        for (int i = from; i < to; i++) {
                            reference.appendFrom(sources[vectors[i]], rows[i]);
                        }
                        from = to;
                    }
                    assertEquals(reference.size(), gathered.size());
                    assertEquals(reference.nullCount(), gathered.nullCount(), "nulls of column " + col);
                    assertSameVector(reference, gathered, "round " + round + " column " + TestChunks.SCHEMA.field(col).name());
                }
            }
        }
    }

    @Test
    void plainStringsKeepTheirBytesInBulkAndNullsStayNull() {
        Chunk c = TestChunks.build(budget, 9, 500);
        chunks.add(c);
        StringVector plain = (StringVector) c.column(6);
        StringVectorBuilder b = (StringVectorBuilder) VectorBuilder.forType(DataType.STRING, 16);
        b.appendRange(plain, 3, 400);
        b.appendRange(plain, 0, 0);
        b.appendRange(plain, 450, 50);
        try (Arena a = Arena.ofConfined()) {
            StringVector out = b.build(a);
            assertFalse(out.isDictionary(), "a copy of a plain vector stays plain");
            assertEquals(450, out.size());
            for (int i = 0; i < 450; i++) {
                int src = i < 400 ? 3 + i : 450 + (i - 400);
                assertEquals(TestChunks.value(9, 6, src), out.getObject(i), "row " + i);
            }
        }
    }

    @Test
    void aKeptDictionaryHoldsOnlyTheEntriesOfEachChunk() {
        StringVectorBuilder b = (StringVectorBuilder) VectorBuilder.forType(DataType.STRING, 1000);
        b.keepDictionaryAcrossResets();
        String[][] chunks = {
            {"a", "b", "c", null, "a", "d"},
            {"d", "d", null, "b"},      // a subset of the values before, in another order
            {null, null},              // no value at all
            {"e", "a"},
        };
        try (Arena arena = Arena.ofConfined()) {
            for (String[] values : chunks) {
                b.reset();
                for (String v : values) {
                    b.appendObject(v);
                }
                StringVector out = b.build(arena);
                assertTrue(out.isDictionary());
                long distinct = java.util.Arrays.stream(values).filter(Objects::nonNull).distinct().count();
                assertEquals(Math.max(1, distinct), out.dictionarySize(), java.util.Arrays.toString(values));
                for (int i = 0; i < values.length; i++) {
                    assertEquals(values[i], out.getObject(i), java.util.Arrays.toString(values) + " row " + i);
                }
            }
        }
    }

    private static void assertSameVector(VectorBuilder reference, VectorBuilder gathered, String what) {
        try (Arena a = Arena.ofConfined()) {
            ColumnVector want = reference.build(a);
            ColumnVector got = gathered.build(a);
            assertEquals(want.size(), got.size(), what);
            assertEquals(want.nullCount(), got.nullCount(), what);
            for (int i = 0; i < want.size(); i++) {
                if (!Objects.equals(want.getObject(i), got.getObject(i)) || want.isNull(i) != got.isNull(i)) {
                    assertEquals(want.getObject(i), got.getObject(i), what + " row " + i);
                }
            }
            switch (got) {
                case IntVector g -> {
                    assertEquals(((IntVector) want).min(), g.min(), what);
                    assertEquals(((IntVector) want).max(), g.max(), what);
                }
                case LongVector g -> {
                    assertEquals(((LongVector) want).min(), g.min(), what);
                    assertEquals(((LongVector) want).max(), g.max(), what);
                }
                case DoubleVector g -> {
                    assertEquals(((DoubleVector) want).min(), g.min(), what);
                    assertEquals(((DoubleVector) want).max(), g.max(), what);
                }
                case BoolVector g -> assertEquals(((BoolVector) want).trueCount(), g.trueCount(), what);
                case StringVector g -> {
                    // the layouts may differ (a gather may choose plain); the values may not
                }
            }
        }
    }
}
