package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.sum;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} at random moments of spilling queries and writes (a child JVM, 30 times): nothing is left that the
 * next session does not sweep, neither spill directories nor staged output files. Replay a run with
 * {@code -Dkill.seed=N}.
 */
class KillNineTest {
    static final int ROUNDS = 30;

    @TempDir
    Path dir;

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /** The child: spilling group bys and sorts, CSV and Parquet writes, in a loop until killed. */
    public static final class Child {
        private Child() {
        }

        /** {@code args}: data directory, output directory, spill base. */
        public static void main(String[] args) {
            try (Spillway sw = Spillway.builder().memoryLimit("12m").spillDir(args[2]).build()) {
                System.out.println("started");
                System.out.flush();
                DataFrame events = sw.readCsv(args[0] + "/*.csv");
                for (int i = 0; ; i++) {
                    DataFrame all = events.collect(); // spills past 12m
                    all.groupBy("user").agg(count().as("n"), sum("amount").as("s")).writeCsv(args[1] + "/by-user.csv");
                    events.sort(asc("amount"), asc("id")).writeParquet(args[1] + "/sorted");
                    all.unpersist();
                }
            }
        }
    }

    @Test
    void killedAtRandomMomentsLeavesNothingTheNextSessionDoesNotSweep() throws Exception {
        long seed = Long.getLong("kill.seed", System.nanoTime());
        Random rnd = new Random(seed);
        Path data = dir.resolve("data");
        org.spillway.datasets.Events.rows(150_000).writeCsv(data, 2);
        Path out = Files.createDirectories(dir.resolve("out"));
        Path spill = dir.resolve("spill");
        for (int round = 0; round < ROUNDS; round++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                    "--enable-native-access=ALL-UNNAMED", "-cp", classPath(), Child.class.getName(), data.toString(), out.toString(),
                    spill.toString()).redirectErrorStream(true).start();
            try {
                var lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()));
                String line;
                do {
                    line = lines.readLine(); // log lines (the sweep's) may come first
                } while (line != null && !line.equals("started"));
                assertEquals("started", line, "seed " + seed + " round " + round);
                Thread.ofVirtual().start(() -> {
                    try {
                        lines.transferTo(java.io.Writer.nullWriter()); // keep the pipe drained
                    } catch (java.io.IOException e) {
                        // the child is gone
                    }
                });
                Thread.sleep(50 + rnd.nextInt(1500));
                assertTrue(child.isAlive(), "seed " + seed + ": the child ended before it was killed");
            } finally {
                child.destroyForcibly(); // SIGKILL
                child.waitFor(30, TimeUnit.SECONDS);
            }
        }
        try (Spillway sw = Spillway.builder().memoryLimit("16m").spillDir(spill.toString()).build()) {
            try (Stream<Path> dirs = Files.list(spill)) {
                assertEquals(List.of(sw.spillDirectory()), dirs.toList(), "seed " + seed + ": stale spill directories are swept");
            }
            try (Stream<Path> staged = Files.list(out)) {
                assertEquals(List.of(), staged.filter(p -> p.getFileName().toString().startsWith(".")).toList(),
                        "seed " + seed + ": staged outputs of killed writers are swept");
            }
        }
    }
}
