package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * Two writers in two JVMs ({@link DeltaRaceChild} in a child process, started once for all rounds:
 * a JVM with Spillway takes a second or two to start, a round a fraction of that), in 50 randomized
 * rounds of {@link DeltaRaces}: in each both have read the table and written their files before
 * either publishes its commit, lined up through files ({@code ready}, then {@code go}), with a random
 * head start of up to 3 ms for either side so that both orders happen. Who lands, the typed exception
 * of the loser and the table are checked as in {@link DeltaConcurrencyTest}: here the put-if-absent
 * commit is all that separates the writers. The seed is random and printed in every failure;
 * {@code -Ddelta.races.seed=N} replays a run.
 */
@SpillwayTest
class DeltaTwoJvmConcurrencyTest {
    static final int ROUNDS = 50;

    @TempDir
    Path dir;

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    @Test
    void writersInTwoProcessesGiveTheSerialResultOfTheWinners(Spillway sw) throws Exception {
        long seed = Long.getLong("delta.races.seed", System.nanoTime());
        Random rnd = new Random(seed);
        Path work = Files.createDirectories(dir.resolve("work"));
        Path childLog = dir.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath(), DeltaRaceChild.class.getName(), work.toString())
                .redirectErrorStream(true).redirectOutput(childLog.toFile()).start();
        Map<String, Integer> seen = new TreeMap<>();
        int[] firsts = new int[2];
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String where = "seed " + seed + " (-Ddelta.races.seed=" + seed + ") round " + round + " (child log " + childLog + ")";
                Path t = dir.resolve("r" + round).toAbsolutePath().normalize();
                int files = 1 + rnd.nextInt(4);
                DeltaRaces.create(sw, t, files, DeltaConcurrencyTest.props(rnd));
                DeltaRaces.Op[] ops = DeltaRaces.randomPair(rnd, round);
                long headStart = rnd.nextInt(7) - 3; // ms: > 0 the parent waits, < 0 the child
                DeltaRaces.Outcome[] out = race(sw, work, round, t, ops, headStart, child, where);
                DeltaRaces.check(sw, t, files - 1, ops, out, true, where);
                for (DeltaRaces.Outcome o : out) {
                    seen.merge(o.error() == null ? "landed" : o.error().getClass().getSimpleName(), 1, Integer::sum);
                }
                if (out[0].landed() && (!out[1].landed() || out[0].version() < out[1].version())) {
                    firsts[0]++;
                } else if (out[1].landed()) {
                    firsts[1]++;
                }
            }
        } finally {
            DeltaLog.beforePublish = null;
            DeltaRaceChild.signal(work.resolve("stop"), "");
            if (!child.waitFor(20, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        System.out.println("DeltaTwoJvmConcurrencyTest seed " + seed + ": " + ROUNDS + " rounds, outcomes " + seen
                + ", first to land: parent " + firsts[0] + ", child " + firsts[1]);
        assertTrue(firsts[0] > 0 && firsts[1] > 0, "both processes won races: " + firsts[0] + " / " + firsts[1] + ", seed " + seed);
    }

    /** Runs {@code ops[0]} here and {@code ops[1]} in the child, lined up before their commits. */
    private static DeltaRaces.Outcome[] race(Spillway sw, Path work, int round, Path t, DeltaRaces.Op[] ops, long headStart,
                                             Process child, String where) throws Exception {
        Path ready = work.resolve("r" + round + ".ready");
        Path go = work.resolve("r" + round + ".go");
        Path result = work.resolve("r" + round + ".result");
        long[] version = {-1};
        boolean[] released = {false};
        DeltaLog.beforePublish = (log, v, tmp) -> {
            if (!log.table.equals(t)) {
                return;
            }
            boolean first = version[0] < 0;
            version[0] = v;
            if (first) {
                // the child has read the table and written its files too (or failed before its commit)
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.exists(ready) && !Files.exists(result) && child.isAlive() && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(50_000);
                }
                released[0] = true;
                DeltaRaceChild.signal(go, Long.toString(Math.max(0, -headStart) * 1000));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(0, headStart)));
            }
        };
        DeltaRaceChild.signal(work.resolve("r" + round + ".op"), t + "\n" + ops[1]);
        DeltaRaces.Outcome mine;
        try {
            DeltaRaces.run(sw, t, ops[0]);
            mine = new DeltaRaces.Outcome(version[0], null);
        } catch (Throwable e) {
            mine = new DeltaRaces.Outcome(-1, e);
        } finally {
            if (!released[0]) {
                DeltaRaceChild.signal(go, "0"); // failed before its commit: the child goes on alone
            }
        }
        assertTrue(child.isAlive() || Files.exists(result), where + ": the child died");
        String[] r = DeltaRaceChild.await(result, TimeUnit.SECONDS.toNanos(120)).split(" ", 3);
        DeltaRaces.Outcome theirs = r[0].equals("ok") ? new DeltaRaces.Outcome(Long.parseLong(r[1]), null)
                : new DeltaRaces.Outcome(-1, exception(r[1], r.length > 2 ? r[2] : ""));
        return new DeltaRaces.Outcome[] {mine, theirs};
    }

    /** The child's exception, rebuilt from its class name and message (for the same type checks as in one JVM). */
    private static Throwable exception(String className, String message) {
        try {
            return (Throwable) Class.forName(className).getConstructor(String.class).newInstance("in the child: " + message);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new RuntimeException("in the child: " + className + ": " + message);
        }
    }
}
