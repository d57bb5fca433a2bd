package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * Two writers on one table, in threads, in 200 randomized rounds ({@link DeltaRaces}: appends, application
 * transactions, deletes, updates and merges, over rows and files that overlap or not, with deletion
 * vectors or copy-on-write, now and then with a checkpoint due). In three rounds of four the writers are
 * lined up: both have read the table and written their files before either publishes its commit
 * ({@link DeltaLog#beforePublish}), so who wins is exactly what Delta's conflict rules say; in the
 * fourth they race freely. Either way each operation lands or fails with a typed
 * {@link ConcurrentModificationException}, and the table is the serial result of the winners. The seed
 * is random and printed in every failure; {@code -Ddelta.races.seed=N} replays a run.
 */
@SpillwayTest
class DeltaConcurrencyTest {
    static final int ROUNDS = 200;

    @TempDir
    Path dir;

    @Test
    void racingWritersGiveTheSerialResultOfTheWinners(Spillway sw) throws Exception {
        long seed = Long.getLong("delta.races.seed", System.nanoTime());
        Random rnd = new Random(seed);
        int conflicts = 0;
        int bothLanded = 0;
        Map<String, Integer> seen = new java.util.TreeMap<>();
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String where = "seed " + seed + " (-Ddelta.races.seed=" + seed + ") round " + round;
                Path t = dir.resolve("r" + round).toAbsolutePath().normalize();
                int files = 1 + rnd.nextInt(4);
                DeltaRaces.create(sw, t, files, props(rnd));
                Race race = new Race(DeltaRaces.randomPair(rnd, round), round % 4 != 3);
                DeltaRaces.Outcome[] out = race.run(sw, t);
                DeltaRaces.check(sw, t, files - 1, race.ops, out, race.linedUp, where);
                conflicts += (out[0].error() != null ? 1 : 0) + (out[1].error() != null ? 1 : 0);
                bothLanded += out[0].landed() && out[1].landed() ? 1 : 0;
                for (DeltaRaces.Outcome o : out) {
                    seen.merge(o.error() == null ? "landed" : o.error().getClass().getSimpleName(), 1, Integer::sum);
                }
            }
        } finally {
            DeltaLog.beforePublish = null;
        }
        System.out.println("DeltaConcurrencyTest seed " + seed + ": " + ROUNDS + " rounds, outcomes " + seen);
        // the races did happen both ways: some rounds had a loser, some had two winners
        assertTrue(conflicts > 0, "no round had a conflict, seed " + seed);
        assertTrue(bothLanded > 0, "no round had two winners, seed " + seed);
    }

    /** Deletion vectors in half the tables; a checkpoint due after every other version in a third. */
    static Map<String, String> props(Random rnd) {
        Map<String, String> p = new java.util.HashMap<>();
        if (rnd.nextBoolean()) {
            p.put("delta.enableDeletionVectors", "true");
        }
        if (rnd.nextInt(3) == 0) {
            p.put("delta.checkpointInterval", "2");
        }
        return p;
    }

    /** One round's two operations, run in two threads, lined up before their commits or not. */
    private record Race(DeltaRaces.Op[] ops, boolean linedUp) {
        DeltaRaces.Outcome[] run(Spillway sw, Path t) throws InterruptedException {
            CountDownLatch publish = new CountDownLatch(2);
            ThreadLocal<long[]> version = new ThreadLocal<>();
            DeltaLog.beforePublish = (log, v, tmp) -> {
                long[] mine = version.get();
                if (mine == null || !log.table.equals(t)) {
                    return;
                }
                boolean first = mine[0] < 0;
                mine[0] = v; // the version of this attempt: the committed one after the last attempt
                if (first && linedUp) {
                    publish.countDown();
                    try {
                        publish.await(30, TimeUnit.SECONDS); // the other writer arrives, or fails before its commit
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            DeltaRaces.Outcome[] out = new DeltaRaces.Outcome[2];
            Thread[] threads = new Thread[2];
            for (int k = 0; k < 2; k++) {
                int kk = k;
                threads[k] = new Thread(() -> {
                    long[] mine = {-1};
                    version.set(mine);
                    try {
                        DeltaRaces.run(sw, t, ops[kk]);
                        out[kk] = new DeltaRaces.Outcome(mine[0], null);
                    } catch (Throwable e) {
                        if (mine[0] < 0) {
                            publish.countDown(); // never leave the other writer waiting
                        }
                        out[kk] = new DeltaRaces.Outcome(-1, e);
                    }
                }, "writer-" + k);
                threads[k].start();
            }
            for (Thread th : threads) {
                th.join();
            }
            return out;
        }

        @Override
        public String toString() {
            return List.of(ops) + (linedUp ? " lined up" : " free");
        }
    }
}
