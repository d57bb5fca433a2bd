package org.spillway.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.datasets.Synthetic;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.ml.tune.Checkpoint;
import org.spillway.ml.tune.TrialRecord;

/**
 * A search killed with {@code kill -9} (a child JVM, {@code destroyForcibly}) after some trials have
 * finished is resumed by {@link Tuner#restore} in this JVM: only the trials that had not finished run,
 * and the finished ones keep their checkpointed results.
 */
@SpillwayTest
class TunerKillNineTest {
    static final int TRIALS = 16;
    static final int EPOCHS = 6;

    SpillwaySessions sessions;

    @TempDir
    Path dir;

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    static DataFrame data(Spillway sw) {
        return sw.generate(Synthetic.regression(3_000).numericFeatures(3).seed(11));
    }

    /** SGD linear regression whose epochs take at least {@code sleepMillis} each (so the kill lands mid-run); records its parameters. */
    static Function<ParamMap, Estimator<?>> factory(long sleepMillis, Set<ParamMap> seen) {
        return p -> {
            seen.add(p);
            return new LinearRegression().solver("sgd").regParam(p.getDouble("regParam")).batchSize(p.getInt("batchSize"))
                    .featuresCols("f0", "f1", "f2").maxIter(EPOCHS).listener(it -> {
                        if (sleepMillis > 0) {
                            try {
                                Thread.sleep(sleepMillis);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    });
        };
    }

    static Tuner tuner(Path checkpoint, long sleepMillis, Set<ParamMap> seen) {
        var space = SearchSpace.builder().loguniform("regParam", 1e-6, 1e-1).choice("batchSize", 64, 256).build();
        return new Tuner(factory(sleepMillis, seen), new RegressionEvaluator()).space(space).numSamples(TRIALS).seed(5)
                .maxConcurrentTrials(2).scheduler(Schedulers.fifo().maxT(EPOCHS)).verbose(false).checkpointDir(checkpoint);
    }

    /** The child: runs the search with slow epochs until it is killed. */
    public static final class Child {
        private Child() {
        }

        /** {@code args}: the checkpoint directory. */
        public static void main(String[] args) {
            try (Spillway sw = Spillway.builder().memoryLimit("64m").build()) {
                DataFrame data = data(sw);
                System.out.println("started");
                System.out.flush();
                tuner(Path.of(args[0]), 150, ConcurrentHashMap.newKeySet()).fit(data, 0.75);
                System.out.println("finished"); // the test kills it long before
            }
        }
    }

    private static int finishedLines(Path cp) throws IOException {
        Path f = cp.resolve("trials.jsonl");
        if (!Files.exists(f)) {
            return 0;
        }
        return (int) Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> l.endsWith("}")).count();
    }

    @Test
    void aRunKilledWithKillNineResumesWithOnlyTheUnfinishedTrials() throws Exception {
        Path cp = dir.resolve("tune");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath(), Child.class.getName(), cp.toString())
                .redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        try {
            Thread.ofVirtual().start(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        synchronized (output) {
                            output.append(line).append('\n');
                        }
                    }
                } catch (IOException e) {
                    // the child is gone
                }
            });
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (finishedLines(cp) < 3) {
                assertTrue(child.isAlive(), () -> "the child ended before it was killed:\n" + output);
                assertTrue(System.nanoTime() < deadline, () -> "no three trials finished in 3 minutes:\n" + output);
                Thread.sleep(20);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs in the child
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        }
        assertFalse(output.toString().contains("finished"), "the child was killed mid-run:\n" + output);

        List<TrialRecord> done = new Checkpoint(cp).trials();
        assertTrue(done.size() >= 3 && done.size() < TRIALS, "trials finished before the kill: " + done.size());
        Set<Integer> finishedIds = new HashSet<>();
        done.forEach(r -> finishedIds.add(r.id()));
        assertEquals(done.size(), finishedIds.size(), "each trial checkpointed once");

        Set<ParamMap> rerun = ConcurrentHashMap.newKeySet();
        try (Spillway sw = sessions.open("64m", 2, 0)) {
            Tuner resumed = Tuner.restore(cp, factory(0, rerun), new RegressionEvaluator());
            TuneResults results = resumed.fit(data(sw), 0.75);
            assertEquals(TRIALS, results.trials().size());
            assertEquals(TRIALS - done.size(), rerun.size(), "only the unfinished trials ran: " + results);
            for (TuneResults.Trial t : results.trials()) {
                assertEquals(finishedIds.contains(t.id()), !rerun.contains(t.params()), "trial " + t.id());
                assertEquals("TERMINATED", t.status(), t.toString());
                assertEquals(EPOCHS, t.iterations(), t.toString());
            }
            for (TrialRecord r : done) {
                TuneResults.Trial t = results.trials().get(r.id());
                assertEquals(r.params(), t.params().asMap(), "trial " + r.id() + " keeps its checkpointed parameters");
                assertEquals(r.metric(), t.metric(), "trial " + r.id() + " keeps its checkpointed metric");
            }
            assertEquals(TRIALS, new Checkpoint(cp).trials().size());
            Model best = results.best().model();
            assertNotNull(best, "the best model is in memory or was loaded from the checkpoint");
            DataFrame[] parts = data(sw).randomSplit(new double[] {0.75, 0.25}, 5); // the tuner's split (its seed)
            assertEquals(results.best().metric(), new RegressionEvaluator().metric(best.transform(parts[1])), 1e-9,
                    "the best model is the best trial's (trial " + results.best().trial().id() + ", finished before the kill: "
                            + finishedIds.contains(results.best().trial().id()) + ")");
            for (DataFrame d : parts) {
                d.unpersist();
            }
            try (var files = Files.list(cp)) {
                assertEquals(List.of("best-model-" + results.best().trial().id() + ".json"), files.map(f -> f.getFileName().toString())
                        .filter(n -> n.startsWith("best-model")).toList(), "one model file, the best trial's");
            }
        }
    }
}
