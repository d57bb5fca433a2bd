package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.spillway.frame.Expr;
import org.spillway.frame.Functions;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * The operations two racing writers run on a small table ({@link DeltaConcurrencyTest} in threads,
 * {@link DeltaTwoJvmConcurrencyTest} in two processes), their serial model, and the checks of a race's
 * outcome. A table starts as {@link #ROWS} rows (ids 0 to 39, {@code v} 0) in one to four files.
 */
public final class DeltaRaces {
    /** Rows of a fresh table. */
    static final int ROWS = 40;
    static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT64), new Field("v", DataType.INT32));

    private DeltaRaces() {
    }

    /** Rows whose id is {@code a} modulo {@code b} ({@code mod}), or in {@code [a, b)}. */
    record Pred(boolean mod, long a, long b) {
        Expr expr() {
            return mod ? col("id").mod(a).eq(b) : col("id").geq(a).and(col("id").lt(b));
        }

        boolean test(long id) {
            return mod ? id % a == b : id >= a && id < b;
        }

        @Override
        public String toString() {
            return (mod ? "mod" : "range") + ":" + a + ":" + b;
        }

        static Pred parse(String s) {
            String[] w = s.split(":");
            return new Pred(w[0].equals("mod"), Long.parseLong(w[1]), Long.parseLong(w[2]));
        }

        /** A predicate matching at least one row of a fresh table: a residue class, or a range within one file or across files. */
        static Pred random(Random rnd) {
            if (rnd.nextBoolean()) {
                long m = 2 + rnd.nextInt(6);
                return new Pred(true, m, rnd.nextInt((int) m));
            }
            long lo = rnd.nextInt(ROWS - 1);
            return new Pred(false, lo, lo + 1 + rnd.nextInt(Math.min(15, ROWS - (int) lo)));
        }
    }

    /**
     * One writer's operation: {@code append} (n new ids from {@code base}), {@code txn} (the same, as
     * application transaction {@code appId} version {@code txnVersion}), {@code delete}, {@code update}
     * ({@code v = x} where {@code pred}) or {@code merge} (source: the fresh table's ids matching
     * {@code pred} and n new ids from {@code base}, all with {@code v = x}; matched rows updated, others
     * inserted).
     */
    record Op(String kind, Pred pred, long base, int n, int x, String appId, long txnVersion) {
        boolean blind() {
            return kind.equals("append") || kind.equals("txn");
        }

        @Override
        public String toString() {
            return String.join("|", kind, pred == null ? "-" : pred.toString(), Long.toString(base), Integer.toString(n),
                    Integer.toString(x), appId == null ? "-" : appId, Long.toString(txnVersion));
        }

        static Op parse(String s) {
            String[] w = s.split("\\|");
            return new Op(w[0], w[1].equals("-") ? null : Pred.parse(w[1]), Long.parseLong(w[2]), Integer.parseInt(w[3]),
                    Integer.parseInt(w[4]), w[5].equals("-") ? null : w[5], Long.parseLong(w[6]));
        }

        /** The source rows of a merge, or the rows of an append. */
        List<Object[]> rows() {
            List<Object[]> out = new ArrayList<>();
            if (kind.equals("merge")) {
                for (long id = 0; id < ROWS; id++) {
                    if (pred.test(id)) {
                        out.add(new Object[] {id, x});
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                out.add(new Object[] {base + i, x});
            }
            return out;
        }
    }

    /** The two operations of round {@code round}: kinds and predicates drawn from {@code rnd}, new ids unique to the round. */
    static Op[] randomPair(Random rnd, int round) {
        String[] kinds = {"append", "txn", "delete", "update", "merge"};
        Op[] ops = new Op[2];
        for (int k = 0; k < 2; k++) {
            String kind = kinds[rnd.nextInt(kinds.length)];
            long base = 1000L + 100L * k;
            // application transactions: the same id, mostly with the same version (a duplicate), now and then another id
            String appId = kind.equals("txn") ? (rnd.nextInt(4) == 0 ? "app" + k : "app") : null;
            long txnVersion = kind.equals("txn") ? rnd.nextInt(2) : 0;
            ops[k] = new Op(kind, kind.equals("append") || kind.equals("txn") ? null : Pred.random(rnd), base, 1 + rnd.nextInt(3),
                    10 * round + k + 1, appId, txnVersion);
        }
        return ops;
    }

    /** Creates a fresh table: {@link #ROWS} rows in {@code files} commits (one file each), with the given properties. */
    static void create(Spillway sw, Path t, int files, Map<String, String> props) {
        for (int f = 0; f < files; f++) {
            List<Object[]> rows = new ArrayList<>();
            for (long id = (long) f * ROWS / files; id < (long) (f + 1) * ROWS / files; id++) {
                rows.add(new Object[] {id, 0});
            }
            sw.createDataFrame(SCHEMA, rows).writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults().withProperties(props));
        }
    }

    /** Runs {@code op} on the table at {@code t}. */
    static void run(Spillway sw, Path t, Op op) {
        switch (op.kind()) {
            case "append" -> sw.createDataFrame(SCHEMA, op.rows()).writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults());
            case "txn" -> sw.createDataFrame(SCHEMA, op.rows()).writeDelta(t, SaveMode.APPEND,
                    DeltaWriteOptions.defaults().withTxn(op.appId(), op.txnVersion()));
            case "delete" -> DeltaTable.forPath(sw, t).delete(op.pred().expr());
            case "update" -> DeltaTable.forPath(sw, t).update(op.pred().expr(), Map.of("v", lit(op.x())));
            case "merge" -> DeltaTable.forPath(sw, t).merge(sw.createDataFrame(SCHEMA, op.rows()), Functions.on("id"))
                    .whenMatched().updateAll().whenNotMatched().insertAll().execute();
            default -> throw new IllegalArgumentException(op.kind());
        }
    }

    /** {@code op} applied to the model (id to v) of a table. */
    static void apply(Op op, TreeMap<Long, Integer> rows) {
        switch (op.kind()) {
            case "delete" -> rows.keySet().removeIf(id -> op.pred().test(id));
            case "update" -> rows.replaceAll((id, v) -> op.pred().test(id) ? op.x() : v);
            default -> op.rows().forEach(r -> rows.put((Long) r[0], (Integer) r[1])); // appends, and a merge's upserts
        }
    }

    /** What one writer did: the version it committed (-1: none), or the exception it failed with. */
    record Outcome(long version, Throwable error) {
        boolean landed() {
            return error == null && version >= 0;
        }
    }

    /**
     * Checks a race of {@code ops} from version {@code readVersion} (the fresh table's last): each failed
     * with a typed conflict or landed; a blind append lands; the table is the serial result of the landed
     * operations in commit order, in exactly that many new versions, without leftovers of the losers.
     * With {@code linedUp} (both read {@code readVersion} before either committed), who lands is exactly
     * what Delta's conflict rules say given the commit order.
     */
    static void check(Spillway sw, Path t, long readVersion, Op[] ops, Outcome[] out, boolean linedUp, String where)
            throws IOException {
        String msg = where + " ops " + List.of(ops) + " outcomes " + List.of(out);
        for (int k = 0; k < 2; k++) {
            Throwable e = out[k].error();
            assertTrue(e == null || e instanceof ConcurrentModificationException, msg + ": op " + k + " failed with " + e);
            if (e == null && out[k].version() < 0) {
                // committed nothing: only an application transaction the table already held
                assertTrue(!linedUp && ops[k].kind().equals("txn"), msg + ": op " + k + " committed nothing");
            }
        }
        boolean sameApp = ops[0].kind().equals("txn") && ops[1].kind().equals("txn") && ops[0].appId().equals(ops[1].appId());
        if (ops[0].blind() && ops[1].blind() && !sameApp) {
            assertTrue(out[0].landed() && out[1].landed(), msg + ": blind appends both land");
        }
        if (sameApp) {
            assertTrue(out[0].landed() || out[1].landed(), msg + ": one of the same application's writes lands");
            if (linedUp || ops[0].txnVersion() == ops[1].txnVersion()) {
                assertTrue(!(out[0].landed() && out[1].landed()), msg + ": the same application transaction lands once");
            }
            if (linedUp) {
                Throwable e = out[0].landed() ? out[1].error() : out[0].error();
                assertTrue(e instanceof ConcurrentTransactionException, msg + ": the other write fails with " + e);
            }
        }
        for (int k = 0; k < 2; k++) {
            if (ops[k].blind() && !ops[1 - k].blind()) {
                assertTrue(out[k].landed(), msg + ": a blind append always lands");
                if (linedUp) {
                    // the other read the table before this append: it lands only if it committed first
                    Throwable e = out[1 - k].error();
                    if (out[1 - k].landed()) {
                        assertTrue(out[1 - k].version() < out[k].version(), msg + ": a read-modify-write after a concurrent append");
                    } else {
                        assertTrue(e instanceof ConcurrentAppendException, msg + ": the reader of an appended-to table fails with " + e);
                    }
                }
            }
        }
        if (!ops[0].blind() && !ops[1].blind()) {
            assertTrue(out[0].landed() || out[1].landed(), msg + ": someone wins");
            if (linedUp) {
                assertTrue(!(out[0].landed() && out[1].landed()), msg + ": two read-modify-writes of one version: exactly one wins");
            }
        }
        // the serial result of the landed operations, in commit order
        TreeMap<Long, Op> byVersion = new TreeMap<>();
        for (int k = 0; k < 2; k++) {
            if (out[k].landed()) {
                assertTrue(out[k].version() > readVersion, msg);
                assertTrue(byVersion.put(out[k].version(), ops[k]) == null, msg + ": two operations at one version");
            }
        }
        TreeMap<Long, Integer> model = new TreeMap<>();
        for (long id = 0; id < ROWS; id++) {
            model.put(id, 0);
        }
        byVersion.values().forEach(op -> apply(op, model));
        TreeMap<Long, Integer> actual = new TreeMap<>();
        for (Row r : DeltaTable.forPath(sw, t).toDF().collect().rows()) {
            assertTrue(actual.put(r.getLong("id"), r.getInt("v")) == null, msg + ": duplicate id " + r.getLong("id"));
        }
        assertEquals(model, actual, msg + ": the table is the serial result of the winners in commit order " + byVersion);
        TreeSet<Long> versions = new DeltaLog(t).commitVersions();
        assertEquals(readVersion + byVersion.size(), versions.last(), msg + ": one version per landed operation " + versions);
        assertEquals(versions.last() + 1, versions.size(), msg + ": contiguous versions " + versions);
        assertEquals(Set.of(), leftovers(t), msg + ": files no commit names (a loser's data or deletion vectors, temporary files)");
    }

    /** Files in the table that no version of its log names: a loser's data files or deletion vectors, temporary files. */
    static Set<Path> leftovers(Path t) throws IOException {
        DeltaLog log = new DeltaLog(t);
        Set<Path> named = new HashSet<>();
        for (long v : log.commitVersions()) {
            for (Action a : log.readCommit(v)) {
                if (a instanceof Action.AddFile add) {
                    named.add(Snapshot.resolve(log.table, add.path()));
                    if (add.deletionVector() != null && add.deletionVector().storageType().equals("u")) {
                        named.add(DeletionVectors.dvPath(log.table, add.deletionVector()));
                    }
                }
            }
        }
        Set<Path> out = new HashSet<>();
        try (Stream<Path> s = Files.walk(log.table)) {
            s.filter(Files::isRegularFile).filter(p -> !p.startsWith(log.dir) || p.getFileName().toString().endsWith(".tmp"))
                    .filter(p -> !named.contains(p)).forEach(out::add);
        }
        return out;
    }
}
