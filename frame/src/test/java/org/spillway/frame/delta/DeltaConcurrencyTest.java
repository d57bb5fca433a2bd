package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Two writers on one table from the same version, in randomized rounds: appends, deletes and updates
 * race; each operation either lands or fails with a typed {@link ConcurrentModificationException}
 * (never anything else), blind appends always land, at least one operation of a round lands, and the
 * table equals the serial result of the operations that landed, in their commit order.
 */
@SpillwayTest
class DeltaConcurrencyTest {
    @TempDir
    Path dir;

    private record Op(String kind, int m, int r, int x) {
    }

    private static void apply(Op op, TreeMap<Long, Integer> rows, int round) {
        switch (op.kind()) {
            case "append" -> {
                for (int i = 0; i < 3; i++) {
                    rows.put(100_000L + round * 100L + op.x() * 10L + i, 0);
                }
            }
            case "delete" -> rows.keySet().removeIf(id -> id % op.m() == op.r());
            default -> rows.replaceAll((id, v) -> id % op.m() == op.r() ? op.x() : v);
        }
    }

    private static void run(Op op, DeltaTable t, Spillway sw, int round) {
        switch (op.kind()) {
            case "append" -> {
                Object[][] rows = new Object[3][];
                for (int i = 0; i < 3; i++) {
                    rows[i] = new Object[] {100_000L + round * 100L + op.x() * 10L + i, 0};
                }
                sw.createDataFrame(Schema.of(new Field("id", DataType.INT64), new Field("v", DataType.INT32)), List.of(rows))
                        .writeDelta(t.path().toString());
            }
            case "delete" -> t.delete(col("id").mod(op.m()).eq(op.r()));
            default -> t.update(col("id").mod(op.m()).eq(op.r()), Map.of("v", lit(op.x())));
        }
    }

    @Test
    void racingWritersGiveTheSerialResultOfTheWinners(Spillway sw) throws Exception {
        Random rnd = new Random(7);
        String[] kinds = {"append", "delete", "update"};
        int conflicts = 0;
        int bothLanded = 0;
        for (int round = 0; round < 40; round++) {
            Path p = dir.resolve("r" + round);
            Object[][] init = new Object[200][];
            TreeMap<Long, Integer> model = new TreeMap<>();
            for (int i = 0; i < init.length; i++) {
                init[i] = new Object[] {(long) i, 0};
                model.put((long) i, 0);
            }
            sw.createDataFrame(Schema.of(new Field("id", DataType.INT64), new Field("v", DataType.INT32)), List.of(init))
                    .writeDelta(p, SaveMode.APPEND, DeltaWriteOptions.defaults().withProperties(
                            round % 2 == 0 ? Map.of("delta.enableDeletionVectors", "true") : Map.of()));
            DeltaTable t = DeltaTable.forPath(sw, p);
            Op[] ops = new Op[2];
            for (int k = 0; k < 2; k++) {
                ops[k] = new Op(kinds[rnd.nextInt(3)], 2 + rnd.nextInt(5), rnd.nextInt(2), 1 + k);
            }
            CyclicBarrier start = new CyclicBarrier(2);
            AtomicReferenceArray<Throwable> failed = new AtomicReferenceArray<>(2);
            List<Thread> threads = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                int kk = k;
                int rr = round;
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        run(ops[kk], t, sw, rr);
                    } catch (Throwable x) {
                        failed.set(kk, x);
                    }
                });
                th.start();
                threads.add(th);
            }
            for (Thread th : threads) {
                th.join();
            }
            for (int k = 0; k < 2; k++) {
                Throwable x = failed.get(k);
                assertTrue(x == null || x instanceof ConcurrentModificationException, "round " + round + " " + ops[k] + ": " + x);
                if (ops[k].kind().equals("append")) {
                    assertEquals(null, x, "a blind append always lands");
                }
            }
            assertTrue(failed.get(0) == null || failed.get(1) == null, "round " + round + ": someone wins");
            conflicts += (failed.get(0) != null ? 1 : 0) + (failed.get(1) != null ? 1 : 0);
            bothLanded += failed.get(0) == null && failed.get(1) == null ? 1 : 0;
            // the landed operations in commit order, from the history (versions 1 and 2)
            List<Row> h = t.history().collect().rows();
            List<Op> landed = new ArrayList<>();
            for (int i = h.size() - 2; i >= 0; i--) {
                String op = h.get(i).getString("operation");
                String params = h.get(i).getString("operationParameters");
                for (int k = 0; k < 2; k++) {
                    boolean same = switch (ops[k].kind()) {
                        case "append" -> op.equals("WRITE") && !landed.contains(ops[k]);
                        case "delete" -> op.equals("DELETE") && params.contains(" % " + ops[k].m() + ") = " + ops[k].r());
                        default -> op.equals("UPDATE") && params.contains(" % " + ops[k].m() + ") = " + ops[k].r());
                    };
                    if (same && failed.get(k) == null && !landed.contains(ops[k])) {
                        landed.add(ops[k]);
                        break;
                    }
                }
            }
            for (Op op : landed) {
                apply(op, model, round);
            }
            TreeMap<Long, Integer> actual = new TreeMap<>();
            for (Row r : t.toDF().collect().rows()) {
                actual.put(r.getLong("id"), r.getInt("v"));
            }
            assertEquals(model, actual, "round " + round + " ops " + List.of(ops) + " landed " + landed);
        }
        // the races did happen both ways: some rounds had a loser, some had two winners
        assertTrue(conflicts > 0, "no round had a conflict");
        assertTrue(bothLanded > 0, "no round had two winners");
    }
}
