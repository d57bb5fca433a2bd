package org.spillway.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/** Frames for the evaluator tests. */
final class TestFrames {
    static final Schema BINARY = Schema.of(new Field("label", DataType.INT32), new Field("probability", DataType.FLOAT64));
    static final Schema WEIGHTED = Schema.of(new Field("label", DataType.INT32), new Field("probability", DataType.FLOAT64),
            new Field("weight", DataType.FLOAT64));

    private TestFrames() {
    }

    /** A binary frame of labels and probabilities. */
    static DataFrame binary(Spillway sw, int[] labels, double[] probs) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            rows.add(new Object[] {labels[i], probs[i]});
        }
        return sw.createDataFrame(BINARY, rows);
    }

    /** A weighted binary frame. */
    static DataFrame weighted(Spillway sw, int[] labels, double[] probs, double[] weights) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            rows.add(new Object[] {labels[i], probs[i], weights[i]});
        }
        return sw.createDataFrame(WEIGHTED, rows);
    }

    /**
     * A frame of {@code n} rows made by {@code row(i)}, created in pieces of {@code piece} rows and
     * unioned, so no more than one piece is on the heap at a time.
     */
    static DataFrame inPieces(Spillway sw, Schema schema, long n, int piece, LongFunction<Object[]> row) {
        DataFrame all = null;
        for (long start = 0; start < n; start += piece) {
            long end = Math.min(n, start + piece);
            List<Object[]> rows = new ArrayList<>((int) (end - start));
            for (long i = start; i < end; i++) {
                rows.add(row.apply(i));
            }
            DataFrame part = sw.createDataFrame(schema, rows);
            all = all == null ? part : all.union(part);
        }
        return all;
    }

    /** A session with a tiny memory budget that must spill, closed by the test's extension. */
    static Spillway tiny(SpillwaySessions sessions, int parallelism) {
        return sessions.open("2m", parallelism, 1000);
    }

    /** A small in-memory session, closed by the test's extension. */
    static Spillway session(SpillwaySessions sessions) {
        return sessions.open("64m", 0, 1000);
    }
}
