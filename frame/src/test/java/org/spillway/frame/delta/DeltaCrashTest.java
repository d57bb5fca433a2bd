package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * Crashes: a child JVM appends and deletes in a loop ({@link DeltaCrashWriter}) and is killed
 * ({@code SIGKILL}) at random moments, 50 times. After every kill the table opens, its versions are
 * contiguous, every acknowledged append and delete is in it, every batch is whole or absent (no
 * half-visible commit), and a new writer continues where the last one stopped.
 */
@SpillwayTest
class DeltaCrashTest {
    @TempDir
    Path dir;

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    @Test
    void killedWritersNeverLeaveAHalfVisibleCommit(Spillway sw) throws Exception {
        Path table = dir.resolve("t");
        Path acks = dir.resolve("acks.txt");
        Random rnd = new Random(17);
        long nextBatch = 0;
        int kills = 50;
        for (int k = 0; k < kills; k++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                    "--enable-native-access=ALL-UNNAMED", "-cp", classPath(), DeltaCrashWriter.class.getName(), table.toString(),
                    acks.toString(), Long.toString(nextBatch)).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile())
                    .start();
            // kill at a random moment after the child has committed at least once (however slow its start)
            int before = new DeltaLog(table).commitVersions().size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (new DeltaLog(table).commitVersions().size() == before && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(p.isAlive(), "the child died by itself: see " + dir.resolve("child.log"));
            Thread.sleep(rnd.nextInt(400));
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child did not die");
            // the table opens and holds exactly whole batches, every acknowledged one among them
            Set<String> acked = new HashSet<>(Files.exists(acks) ? Files.readAllLines(acks) : List.of());
            if (!DeltaTable.isDeltaTable(table.toString())) {
                assertTrue(acked.isEmpty(), "acknowledged writes but no table");
                continue;
            }
            DeltaTable t = DeltaTable.forPath(sw, table);
            TreeSet<Long> versions = new DeltaLog(table).commitVersions();
            assertEquals(versions.last() - versions.first() + 1, versions.size(), "versions are contiguous: " + versions);
            java.util.Map<Long, Integer> perBatch = new java.util.HashMap<>();
            Set<Long> ids = new HashSet<>();
            for (Row r : t.toDF().collect().rows()) {
                perBatch.merge(r.getLong("batch"), 1, Integer::sum);
                ids.add(r.getLong("id"));
            }
            long maxBatch = -1;
            for (var e : perBatch.entrySet()) {
                long b = e.getKey();
                maxBatch = Math.max(maxBatch, b);
                int expected = ids.contains(b * 1000) ? 100 : 99;
                assertEquals(expected, e.getValue(), "batch " + b + " is whole (a deleted first id at most)");
            }
            for (String a : acked) {
                String[] w = a.split(" ");
                long x = Long.parseLong(w[1]);
                if (w[0].equals("append")) {
                    assertTrue(perBatch.containsKey(x), "acknowledged batch " + x + " is in the table");
                } else {
                    assertTrue(!ids.contains(x), "acknowledged delete of id " + x + " holds");
                }
            }
            nextBatch = maxBatch + 1;
        }
        List<String> leftovers = new ArrayList<>();
        try (var s = Files.list(table.resolve("_delta_log"))) {
            s.filter(f -> f.getFileName().toString().endsWith(".json")).forEach(f -> leftovers.add(f.getFileName().toString()));
        }
        assertTrue(leftovers.size() >= kills, "every child committed: " + leftovers.size() + " commits");
    }
}
