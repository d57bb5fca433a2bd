package org.spillway.frame.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.Spillway;

/**
 * {@code writeCsv} streams its input (encoded in parallel, appended in order, nothing collected first), and a writer
 * killed with {@code kill -9} leaves nothing the next session does not sweep (its staged file is recorded in its
 * lock-owned spill directory).
 */
class CsvWriteStreamingTest {
    @TempDir
    Path dir;

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /** A child process: writes {@code args[1]} from the CSV files in {@code args[0]}, spilling under {@code args[2]}. */
    public static final class Writer {
        private Writer() {
        }

        /** Entry point of the child JVM. */
        public static void main(String[] args) {
            try (Spillway sw = Spillway.builder().memoryLimit("64m").spillDir(args[2]).build()) {
                for (int i = 0; i < 1000; i++) { // until killed
                    sw.readCsv(args[0] + "/*.csv").withColumn("twice", col("amount").multiply(2)).writeCsv(args[1]);
                }
            }
        }
    }

    @Test
    void aLazyFrameIsWrittenWithoutBeingCollected() throws IOException {
        Path data = dir.resolve("data");
        org.spillway.datasets.Events.rows(300_000).writeCsv(data, 2);
        Path out = dir.resolve("out.csv");
        try (Spillway sw = Spillway.builder().memoryLimit("8m").spillDir(dir.resolve("spill").toString()).build()) {
            var in = sw.readCsv(data + "/*.csv");
            in.filter(col("amount").gt(0)).sort(org.spillway.frame.Functions.asc("id")).limit(5).count();
            long before = sw.spilledBytes();
            in.withColumn("twice", col("amount").multiply(2)).writeCsv(out.toString());
            assertEquals(before, sw.spilledBytes(), "writeCsv of a lazy frame spilled: it collected its input first");
            var back = sw.readCsv(out.toString());
            assertEquals(in.count(), back.count());
            // row order is kept: the ids come back in file order
            List<Long> ids = back.select("id").limit(1000).collect().rows().stream().map(r -> ((Number) r.values().get(0)).longValue())
                    .toList();
            List<Long> want = in.select("id").limit(1000).collect().rows().stream().map(r -> ((Number) r.values().get(0)).longValue())
                    .toList();
            assertEquals(want, ids);
        }
    }

    @Test
    void aWriterKilledMidWriteLeavesNothingTheNextSessionDoesNotSweep() throws Exception {
        Path data = dir.resolve("data");
        org.spillway.datasets.Events.rows(400_000).writeCsv(data, 2);
        Path spill = dir.resolve("spill");
        Path out = dir.resolve("out.csv");
        for (int round = 0; round < 3; round++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "--enable-native-access=ALL-UNNAMED", "-cp", classPath(), Writer.class.getName(), data.toString(), out.toString(),
                    spill.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (staged(out).isEmpty() && System.nanoTime() < deadline && child.isAlive()) {
                    Thread.sleep(5);
                }
                Thread.sleep(20L * round);
                assertTrue(child.isAlive(), "the writer ended early: " + Files.readString(dir.resolve("child.log")));
                assertTrue(!staged(out).isEmpty() || Files.exists(out), "the writer staged nothing in time");
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hook runs
                child.waitFor(30, TimeUnit.SECONDS);
            }
        }
        try (Spillway sw = Spillway.builder().memoryLimit("64m").spillDir(spill.toString()).build()) {
            assertEquals(List.of(), staged(out), "staged CSV files of killed writers are swept");
            try (Stream<Path> dirs = Files.list(spill)) {
                assertEquals(List.of(sw.spillDirectory()), dirs.toList(), "only the live session's spill directory is left");
            }
        }
    }

    private static List<Path> staged(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out.getParent())) {
            return s.filter(p -> p.getFileName().toString().startsWith("." + out.getFileName() + ".")).toList();
        }
    }
}
