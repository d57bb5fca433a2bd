package org.spillway.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * Training on data larger than both the memory budget and the JVM heap ({@code -Xmx64m}, set by the
 * {@code outofcore} surefire run): the model equals the one trained with the data held in memory,
 * spilling is proven, and no spill file is left.
 */
@Tag("outofcore")
@SpillwayTest
class OutOfCoreTrainingTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    static final int ROWS = 1_600_000;
    static final double[] W = {1.0, -0.5, 0.25, 2.0, -1.5};
    @TempDir
    static Path dir;
    static Path csv;

    @BeforeAll
    static void writeData() throws IOException {
        csv = dir.resolve("train.csv");
        SplittableRandom r = new SplittableRandom(2026);
        try (BufferedWriter w = Files.newBufferedWriter(csv)) {
            w.write("f0,f1,f2,f3,f4,label\n");
            for (int i = 0; i < ROWS; i++) {
                double m = -0.5;
                StringBuilder sb = new StringBuilder();
                for (int j = 0; j < W.length; j++) {
                    double x = r.nextGaussian() * (j + 1);
                    m += W[j] * x / (j + 1);
                    sb.append(Math.round(x * 1e5) / 1e5).append(','); // (String.format is slow for 8M values)
                }
                sb.append(r.nextDouble() < 1 / (1 + Math.exp(-m)) ? 1 : 0).append('\n');
                w.write(sb.toString());
            }
        }
    }

    Spillway session(String memory) {
        return sessions.open(memory, 2, 16_384);
    }

    double[] train(String memory, boolean sgd) {
        try (Spillway sw = session(memory)) {
            DataFrame data = sw.readCsv(csv.toString()).collect();
            long bytes = sw.budget().peak();
            LogisticRegression lr = new LogisticRegression().regParam(1e-4).maxIter(sgd ? 2 : 30);
            if (sgd) {
                lr.solver("sgd").batchSize(512);
            }
            long t0 = System.nanoTime();
            LogisticRegressionModel m = lr.fit(data);
            System.out.printf(Locale.ROOT, "%s %s: %s (fit %.1f s)%n", sgd ? "sgd" : "lbfgs", memory, m.summary(), (System.nanoTime() - t0) / 1e9);
            if (memory.equals("8m")) {
                // (only here: the group by behind the exact AUC keeps heap tables as large as the budget allows)
                BinaryMetrics metrics = new BinaryClassificationEvaluator().evaluate(m.transform(data));
                assertTrue(metrics.auc() > 0.8, "AUC " + metrics.auc());
                long dataBytes = (long) ROWS * (5 * 8 + 4);
                assertTrue(dataBytes > 8 * (8L << 20), "the data must be at least 8x the budget");
                assertTrue(dataBytes > Runtime.getRuntime().maxMemory(), "the data must exceed the heap");
                assertTrue(sw.budget().spilledBytes() > 0, "training under 8 MB must spill: " + sw.memoryReport());
            } else {
                assertEquals(0, sw.budget().spilledBytes(), "the in-memory run must not spill (peak " + bytes + ")");
            }
            double[] out = java.util.Arrays.copyOf(m.coefficients(), W.length + 1);
            out[W.length] = m.intercept();
            return out;
        }
    }

    @Test
    void lbfgsAndSgdGiveTheSameModelInMemoryAndSpilled() throws IOException {
        for (boolean sgd : new boolean[] {false, true}) {
            double[] inMemory = train("256m", sgd);
            double[] spilled = train("8m", sgd);
            assertArrayEquals(inMemory, spilled, 0.0, sgd ? "sgd" : "lbfgs");
            if (!sgd) {
                for (int j = 0; j < W.length; j++) {
                    assertEquals(W[j] / (j + 1), inMemory[j], 0.02, "true coefficient " + j);
                }
                assertEquals(-0.5, inMemory[W.length], 0.02, "true intercept");
            }
        }
        try (Stream<Path> s = Files.walk(sessions.spillRoot())) {
            assertTrue(s.noneMatch(Files::isRegularFile), "spill files left behind");
        }
    }
}
