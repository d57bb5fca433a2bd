package org.spillway.spill.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.spillway.spill.DataType;

/**
 * Builders keep validity bits lazily (none until the first null); every way of appending, mixed at
 * random and across {@link VectorBuilder#reset()}s, must still give each row its null or value.
 */
class ValidityTest {

    @Test
    void everyAppendPathGivesEachRowItsNullOrValue() {
        SplittableRandom r = new SplittableRandom(3);
        try (Arena arena = Arena.ofConfined()) {
            // sources: with and without nulls, for the bulk paths
            List<Integer> withNulls = new ArrayList<>();
            List<Integer> noNulls = new ArrayList<>();
            IntVectorBuilder a = new IntVectorBuilder(DataType.INT32, 64);
            IntVectorBuilder b = new IntVectorBuilder(DataType.INT32, 64);
            StringVectorBuilder sa = new StringVectorBuilder(64);
            StringVectorBuilder sb = new StringVectorBuilder(64);
            for (int i = 0; i < 500; i++) {
                Integer x = i % 7 == 3 ? null : i;
                withNulls.add(x);
                noNulls.add(i);
                if (x == null) {
                    a.appendNull();
                    sa.appendNull();
                } else {
                    a.append(x);
                    sa.append("s" + x);
                }
                b.append(i);
                sb.append("s" + i);
            }
            IntVector srcNulls = a.build(arena);
            IntVector srcPlain = b.build(arena);
            StringVector strNulls = sa.build(arena);
            StringVector strPlain = sb.build(arena);

            IntVectorBuilder ib = new IntVectorBuilder(DataType.INT32, 16);
            StringVectorBuilder st = new StringVectorBuilder(16);
            for (int round = 0; round < 300; round++) {
                ib.reset();
                st.reset();
                List<Integer> expected = new ArrayList<>();
                int ops = 1 + r.nextInt(40);
                boolean anyNull = r.nextInt(3) > 0;
                for (int op = 0; op < ops; op++) {
                    switch (r.nextInt(5)) {
                        case 0 -> { // values
                            int n = r.nextInt(20);
                            for (int k = 0; k < n; k++) {
                                int x = r.nextInt(1000);
                                ib.append(x);
                                st.append("s" + x);
                                expected.add(x);
                            }
                        }
                        case 1 -> { // a null, when this round has any
                            if (anyNull) {
                                ib.appendNull();
                                st.appendNull();
                                expected.add(null);
                            }
                        }
                        case 2 -> { // a bulk range
                            boolean nulls = anyNull && r.nextBoolean();
                            int from = r.nextInt(450);
                            int n = r.nextInt(50);
                            ib.appendRange(nulls ? srcNulls : srcPlain, from, n);
                            st.appendRange(nulls ? strNulls : strPlain, from, n);
                            expected.addAll((nulls ? withNulls : noNulls).subList(from, from + n));
                        }
                        case 3 -> { // a gather from both sources
                            int n = r.nextInt(30);
                            int[] vectors = new int[n];
                            int[] rows = new int[n];
                            for (int k = 0; k < n; k++) {
                                vectors[k] = anyNull ? r.nextInt(2) : 1;
                                rows[k] = r.nextInt(500);
                                expected.add((vectors[k] == 0 ? withNulls : noNulls).get(rows[k]));
                            }
                            ib.gather(new ColumnVector[] {srcNulls, srcPlain}, vectors, rows, 0, n);
                            st.gather(new ColumnVector[] {strNulls, strPlain}, vectors, rows, 0, n);
                        }
                        default -> { // row by row from a source
                            int row = r.nextInt(500);
                            boolean nulls = anyNull && r.nextBoolean();
                            ib.appendFrom(nulls ? srcNulls : srcPlain, row);
                            st.appendFrom(nulls ? strNulls : strPlain, row);
                            expected.add((nulls ? withNulls : noNulls).get(row));
                        }
                    }
                }
                IntVector iv = ib.build(arena);
                StringVector sv = st.build(arena);
                long nulls = expected.stream().filter(x -> x == null).count();
                assertEquals(expected.size(), iv.size());
                assertEquals(nulls, iv.nullCount(), "round " + round);
                assertEquals(nulls, sv.nullCount(), "round " + round);
                for (int i = 0; i < expected.size(); i++) {
                    Integer e = expected.get(i);
                    assertEquals(e == null, iv.isNull(i), "round " + round + " row " + i);
                    assertEquals(e == null, sv.isNull(i), "round " + round + " row " + i);
                    if (e != null) {
                        assertEquals(e.intValue(), iv.get(i));
                        assertEquals("s" + e, sv.getString(i));
                    }
                }
            }
        }
    }
}
