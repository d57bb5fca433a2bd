package org.spillway.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * AUC, PR area and log loss of 3 million rows, more bytes than this JVM's heap ({@code -Xmx64m},
 * see ml/pom.xml) and far more than the session's memory limit, so an evaluator that copied a
 * column onto the heap would fail with OutOfMemoryError.
 *
 * <p>The oracle needs no copy either: row i gets the rank r = (a i + b) mod n, a permutation of
 * 0 .. n-1, and its score and label are functions of r (ranks in threes share a score, so there
 * are ties). Walking r upwards is walking the scores upwards, which gives the exact Mann-Whitney
 * count in one loop; the frame holds the rows in the permuted order, so the evaluator really sorts.
 */
@Tag("outofcore")
@SpillwayTest
class OutOfCoreEvaluationTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    static final long N = 3_000_000;
    static final long A = 1_000_003; // prime, and not a factor of N: i -> (A i + B) mod N is a permutation
    static final long B = 12_345;
    static final Schema SCHEMA = Schema.of(new Field("label", DataType.INT64), new Field("probability", DataType.FLOAT64),
            new Field("weight", DataType.FLOAT64));

    @TempDir
    Path tmp;

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static double score(long r) {
        return (r / 3) * 3.0 / N;
    }

    static int label(long r) {
        double u = (mix(r + 77) >>> 11) * 0x1.0p-53;
        return u < 0.1 + 0.8 * r / N ? 1 : 0;
    }

    static double weight(long r) {
        return 0.5 * (1 + (mix(r) & 3));
    }

    /** Exact AUC (unweighted and weighted), log loss and positives by walking the ranks upwards. */
    record Oracle(double auc, double weightedAuc, double logLoss, long positives) {
        static Oracle compute() {
            double negBelow = 0;
            double num = 0;
            double wNegBelow = 0;
            double wNum = 0;
            double wPos = 0;
            long pos = 0;
            double loss = 0;
            for (long g = 0; g < N; g += 3) {
                double gp = 0;
                double gn = 0;
                double wp = 0;
                double wn = 0;
                for (long r = g; r < Math.min(N, g + 3); r++) {
                    double p = Math.min(Math.max(score(r), 1e-15), 1 - 1e-15);
                    if (label(r) == 1) {
                        gp++;
                        wp += weight(r);
                        loss -= Math.log(p);
                    } else {
                        gn++;
                        wn += weight(r);
                        loss -= Math.log1p(-p);
                    }
                }
                num += gp * (negBelow + gn / 2);
                negBelow += gn;
                wNum += wp * (wNegBelow + wn / 2);
                wNegBelow += wn;
                pos += (long) gp;
                wPos += wp;
            }
            return new Oracle(num / (pos * negBelow), wNum / (wPos * wNegBelow), loss / N, pos);
        }
    }

    @Test
    void aucAndLogLossOfMoreRowsThanTheHeapHolds() throws IOException {
        long heap = Runtime.getRuntime().maxMemory();
        long dataBytes = N * (8 + 8 + 8);
        assertTrue(dataBytes > heap, "the data (" + dataBytes + " bytes) must exceed the heap (" + heap + ")");
        Oracle want = Oracle.compute();
        Path spill = sessions.spillRoot();
        try (Spillway sw = sessions.open("16m", 2, 0)) {
            DataFrame f = TestFrames.inPieces(sw, SCHEMA, N, 100_000, i -> {
                long r = (A * i + B) % N;
                return new Object[] {(long) label(r), score(r), weight(r)};
            });
            long t0 = System.nanoTime();
            BinaryMetrics m = new BinaryClassificationEvaluator().evaluate(f);
            long t1 = System.nanoTime();
            assertTrue(sw.budget().spilledBytes() > 0, sw.memoryReport());
            assertEquals(N, m.count());
            assertEquals(want.positives(), m.positives());
            assertEquals(N / 3, m.distinctScores());
            assertEquals(want.auc(), m.auc(), 1e-12);
            assertEquals(want.logLoss(), m.logLoss(), 1e-9 * want.logLoss());
            assertTrue(m.auc() > 0.7 && m.auc() < 0.8, m.toString());
            assertTrue(m.rocCurve(200).size() <= 200);

            BinaryMetrics w = new BinaryClassificationEvaluator().weightCol("weight").evaluate(f);
            assertEquals(want.weightedAuc(), w.auc(), 1e-12);
            assertFalse(w.auc() == m.auc());
            long t2 = System.nanoTime();
            double logLoss = new BinaryClassificationEvaluator().metricName("logLoss").metric(f);
            long t3 = System.nanoTime();
            assertEquals(m.logLoss(), logLoss, 0);
            System.out.printf("out-of-core evaluation of %,d rows: evaluate %.2f s, log loss alone %.2f s; %s%n", N,
                    (t1 - t0) / 1e9, (t3 - t2) / 1e9, sw.memoryReport());
        }
        try (Stream<Path> left = Files.exists(spill) ? Files.walk(spill).filter(Files::isRegularFile) : Stream.empty()) {
            assertEquals(0, left.count(), "spill files left behind");
        }
    }
}
