package org.spillway.frame.delta.golden;

import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;
import static org.spillway.frame.Functions.on;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.delta.DeltaTable;
import org.spillway.frame.delta.DeltaWriteOptions;
import org.spillway.frame.delta.GoldenRows;
import org.spillway.frame.delta.SaveMode;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Spark reads what Spillway writes: Spillway writes Delta tables to a temporary directory (appends partitioned by
 * string, int and date; deletes with deletion vectors and by rewriting files; update, merge, upsert; enough commits
 * for checkpoints; decimals, timestamps, timestamp_ntz; an added column), then Spark + delta-spark reads every
 * version and the rows are compared with Spillway's own reading of it (canonical lines of {@link GoldenRows}).
 * Then Spark writes to one of the tables (an append and a delete) and both read again. Prints a report; exits 1 on
 * any difference or error. Profile {@code delta-golden} only:
 * {@code ./mvnw -pl frame -P delta-golden test-compile exec:exec@spark-reads-spillway}.
 */
public final class SparkReadsSpillway {
    static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT64), new Field("name", DataType.STRING),
            new Field("n", DataType.INT32), new Field("day", DataType.DATE), new Field("ts", DataType.TIMESTAMP),
            new Field("ntz", DataType.TIMESTAMP_NTZ), new Field("price", DataType.decimal(10, 2)),
            new Field("big", DataType.decimal(25, 5)), new Field("x", DataType.FLOAT64), new Field("ok", DataType.BOOL),
            new Field("bin", DataType.BINARY), new Field("part", DataType.STRING));

    private static final String[] PARTS = {"plain", "with space", "a/b", "k=v", "50%", "ünï 日本", "#?&:*+", null};

    private final Spillway sw;
    private final GoldenSpark g;
    private final List<String> differences = new ArrayList<>();
    private int checked;

    private SparkReadsSpillway(Spillway sw, GoldenSpark g) {
        this.sw = sw;
        this.g = g;
    }

    /** Runs every scenario; exits 1 on a difference. */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("spark-reads-spillway");
        int exit;
        try (Spillway sw = Spillway.builder().memoryLimit("512m").parallelism(2).build(); GoldenSpark g = new GoldenSpark()) {
            SparkReadsSpillway run = new SparkReadsSpillway(sw, g);
            run.scenario("dv-partitioned", () -> run.writes(dir.resolve("dv"), true));
            run.scenario("copy-on-write", () -> run.writes(dir.resolve("cow"), false));
            run.scenario("add-column", () -> run.addColumn(dir.resolve("addcol")));
            run.scenario("spark-writes-after-spillway", () -> run.sparkWrites(dir.resolve("dv")));
            System.out.println();
            System.out.println("Spark reads Spillway: " + run.checked + " versions compared, " + run.differences.size() + " differences");
            for (String d : run.differences) {
                System.out.println("DIFFERENCE " + d);
            }
            exit = run.differences.isEmpty() ? 0 : 1;
        }
        GoldenSpark.deleteTree(dir);
        System.exit(exit);
    }

    private void scenario(String name, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            differences.add(name + ": failed with " + e);
            e.printStackTrace();
        }
    }

    static List<Object> row(long id, String part) {
        boolean nul = id % 7 == 3;
        return Arrays.asList(id, nul ? null : "name-" + id, nul ? null : (int) (id % 3), nul ? null : LocalDate.of(2024, 1, 1).plusDays(id % 2),
                nul ? null : Instant.parse("2024-01-01T00:00:00Z").plusNanos(id * 1_234_567_001_000L),
                nul ? null : LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000).plusSeconds(id * 3600),
                nul ? null : BigDecimal.valueOf(id * 37 - 500, 2), nul ? null : new BigDecimal("12345678901234567890.12345").negate()
                        .add(BigDecimal.valueOf(id)), nul ? null : id * 0.1, nul ? null : id % 2 == 0,
                nul ? null : new byte[] {(byte) id, 0, (byte) 0xff}, part);
    }

    private DataFrame rows(long from, long to) {
        List<List<Object>> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(row(i, PARTS[(int) (i % PARTS.length)]));
        }
        return sw.createDataFrame(SCHEMA, out);
    }

    /** Appends, deletes, update, merge, upsert and more appends (checkpoints at 3, 6, 9, 12), then every version compared. */
    private void writes(Path t, boolean dvs) {
        DeltaWriteOptions opts = DeltaWriteOptions.defaults().withPartitionBy("part", "n", "day")
                .withProperties(Map.of("delta.enableDeletionVectors", Boolean.toString(dvs), "delta.checkpointInterval", "3"));
        rows(0, 40).writeDelta(t, SaveMode.APPEND, opts);                              // v0
        rows(40, 60).writeDelta(t, SaveMode.APPEND, opts);                             // v1
        DeltaTable table = DeltaTable.forPath(sw, t);
        table.delete(col("id").mod(5).eq(0));                                          // v2
        table.update(col("id").mod(4).eq(1), Map.of("name", lit("updated"), "x", col("x").multiply(2)));   // v3
        List<List<Object>> src = new ArrayList<>();
        for (long i = 55; i < 70; i++) {
            List<Object> r = row(i, i % 2 == 0 ? "merged" : "plain");
            r.set(1, "merged-" + i);
            src.add(r);
        }
        table.merge(sw.createDataFrame(SCHEMA, src), on("id")).whenMatched().updateAll().whenNotMatched().insertAll().execute();   // v4
        table.delete(col("id").mod(3).eq(0));                                          // v5: a second DV on the same files
        List<List<Object>> up = new ArrayList<>();
        for (long i = 60; i < 75; i += 2) {
            List<Object> r = row(i, "upsert");
            r.set(1, "upsert-" + i);
            up.add(r);
        }
        table.upsert(sw.createDataFrame(SCHEMA, up), on("id"), "id");                 // v6
        for (long k = 0; k < 6; k++) {
            rows(100 + k * 5, 105 + k * 5).writeDelta(t, SaveMode.APPEND, opts);      // v7..v12
        }
        table.delete(col("part").eq("a/b"));                                           // v13
        compareAll(t);
    }

    private void addColumn(Path t) {
        rows(0, 10).writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults());
        DeltaTable table = DeltaTable.forPath(sw, t);
        table.addColumn("extra", DataType.STRING);
        List<Field> fields = new ArrayList<>(SCHEMA.fields());
        fields.add(new Field("extra", DataType.STRING));
        List<List<Object>> rows = new ArrayList<>();
        for (long i = 10; i < 13; i++) {
            List<Object> r = new ArrayList<>(row(i, "p"));
            r.add(i == 11 ? null : "e" + i);
            rows.add(r);
        }
        sw.createDataFrame(new Schema(fields), rows).writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults());
        compareAll(t);
    }

    /** Spark appends to and deletes from a table Spillway wrote; both read every version again. */
    private void sparkWrites(Path t) {
        // no checkpoint by Spark here: Spark's checkpoints hold partitionValues_parsed and stats_parsed with dates and
        // timestamps, which Spillway cannot read yet (golden table checkpoints-parsed; see DeltaGoldenTablesTest)
        g.sql(t, "ALTER TABLE $T SET TBLPROPERTIES ('delta.checkpointInterval' = '100')").collectAsList();
        g.sql(t, "INSERT INTO $T SELECT 1000L, 'from spark', 1, DATE'2024-05-05', TIMESTAMP'2024-05-05 05:05:05.5',"
                + " TIMESTAMP_NTZ'2024-05-05 05:05:05', 5.55BD, 5.55555BD, 0.5D, true, X'AB', 'spark'").collectAsList();
        g.sql(t, "DELETE FROM $T WHERE id % 11 = 0").collectAsList();
        g.sql(t, "UPDATE $T SET name = 'spark-updated' WHERE id % 13 = 0").collectAsList();
        compareAll(t);
    }

    private void compareAll(Path t) {
        long last = DeltaTable.forPath(sw, t).version();
        long sparkLast = GoldenSpark.latestVersion(t);
        if (last != sparkLast) {
            differences.add(t.getFileName() + ": Spillway's latest version " + last + ", the log's " + sparkLast);
        }
        for (long v = 0; v <= last; v++) {
            String what = t.getFileName() + " v" + v;
            List<String> spark;
            List<String> ours;
            try {
                spark = g.version(t, v);
            } catch (RuntimeException e) {
                differences.add(what + ": Spark cannot read it: " + e);
                continue;
            }
            try {
                ours = GoldenRows.lines(DeltaTable.forPath(sw, t).asOfVersion(v));
            } catch (RuntimeException e) {
                differences.add(what + ": Spillway cannot read it: " + e);
                continue;
            }
            checked++;
            if (!spark.equals(ours)) {
                List<String> sparkOnly = new ArrayList<>(spark);
                sparkOnly.removeAll(ours);
                List<String> oursOnly = new ArrayList<>(ours);
                oursOnly.removeAll(spark);
                differences.add(what + ": " + (spark.size() - 1) + " rows (Spark) vs " + (ours.size() - 1) + " (Spillway)\n    Spark only:    "
                        + String.join("\n                   ", sparkOnly) + "\n    Spillway only: " + String.join("\n                   ", oursOnly));
            }
            System.out.println(what + ": " + (spark.equals(ours) ? "same" : "DIFFERENT") + " (" + (spark.size() - 1) + " rows)");
        }
    }
}
