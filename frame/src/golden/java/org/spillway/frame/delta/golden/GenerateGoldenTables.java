package org.spillway.frame.delta.golden;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.spillway.frame.delta.GoldenRows;

/**
 * Writes the golden Delta tables with Spark + delta-spark, and each version's rows as Spark reads them (and the
 * change feed of a few ranges of the CDF table), into src/test/resources/delta-golden/ (see the README there).
 * Profile {@code delta-golden} only:
 * {@code ./mvnw -pl frame -P delta-golden test-compile exec:exec@golden-tables} (after installing frame's modules).
 * An optional second argument names the tables to regenerate (comma-separated, {@code -Dgolden.tables=a,b}; default
 * all). The data are fixed rows: a rerun writes the same rows (the file names, commit times and ids in the log differ).
 */
public final class GenerateGoldenTables {
    /** The change-feed ranges written for the CDF table (inclusive), besides the whole table. */
    static final long[][] CDF_RANGES = {{1, 1}, {2, 2}, {2, 4}, {3, 3}, {4, 6}};

    private final GoldenSpark g;
    private final Path root;
    private final List<String> refused = new ArrayList<>();

    private GenerateGoldenTables(GoldenSpark g, Path root) {
        this.g = g;
        this.root = root;
    }

    /** Args: the delta-golden directory, optionally the table names to regenerate. */
    public static void main(String[] args) {
        Path root = Path.of(args[0]).toAbsolutePath();
        Set<String> only = args.length > 1 && !args[1].equals("all") ? Set.of(args[1].split(",")) : null;
        Map<String, Table> tables = new LinkedHashMap<>();
        tables.put("basic-types", GenerateGoldenTables::basicTypes);
        tables.put("partitioned", GenerateGoldenTables::partitioned);
        tables.put("deletion-vectors", GenerateGoldenTables::deletionVectors);
        tables.put("column-mapping-name", (gen, t) -> gen.columnMapping(t, "name"));
        tables.put("column-mapping-id", (gen, t) -> gen.columnMapping(t, "id"));
        tables.put("checkpoints", GenerateGoldenTables::checkpoints);
        tables.put("checkpoints-v2", GenerateGoldenTables::checkpointsV2);
        tables.put("checkpoints-parsed", GenerateGoldenTables::checkpointsParsed);
        tables.put("change-data-feed", GenerateGoldenTables::changeDataFeed);
        tables.put("timestamp-ntz", GenerateGoldenTables::timestampNtz);
        tables.put("type-widening", GenerateGoldenTables::typeWidening);
        tables.put("copy-on-write", GenerateGoldenTables::copyOnWrite);
        int failed = 0;
        try (GoldenSpark g = new GoldenSpark()) {
            GenerateGoldenTables gen = new GenerateGoldenTables(g, root);
            for (Map.Entry<String, Table> e : tables.entrySet()) {
                if (only != null && !only.contains(e.getKey())) {
                    continue;
                }
                try {
                    gen.generate(e.getKey(), e.getValue());
                } catch (RuntimeException ex) {
                    failed++;
                    System.err.println("FAILED " + e.getKey() + ": " + ex);
                    ex.printStackTrace();
                }
            }
            for (String r : gen.refused) {
                System.out.println("REFUSED by Spark (step left out): " + r);
            }
        }
        System.exit(failed == 0 ? 0 : 1);
    }

    /** One table's commits. */
    @FunctionalInterface
    interface Table {
        void write(GenerateGoldenTables gen, Path table);
    }

    private void generate(String name, Table t) {
        Path table = root.resolve(name);
        Path expected = root.resolve(name + ".expected");
        GoldenSpark.deleteTree(table);
        GoldenSpark.deleteTree(expected);
        g.spark.conf().unset("spark.databricks.delta.checkpoint.partSize");
        t.write(this, table);
        long last = GoldenSpark.latestVersion(table);
        for (long v = 0; v <= last; v++) {
            GoldenRows.write(expected.resolve("v" + v + ".jsonl"), g.version(table, v));
        }
        if (name.equals("change-data-feed")) {
            GoldenRows.write(expected.resolve("cdf-0-" + last + ".jsonl"), g.changes(table, 0, last));
            for (long[] r : CDF_RANGES) {
                GoldenRows.write(expected.resolve("cdf-" + r[0] + "-" + r[1] + ".jsonl"), g.changes(table, r[0], r[1]));
            }
        }
        GoldenSpark.deleteHadoopCrcs(table);
        System.out.println("wrote " + name + ": versions 0.." + last);
    }

    private void sql(Path table, String sql) {
        g.sql(table, sql).collectAsList();
    }

    /** A step Spark may refuse (a feature this version lacks): left out and reported, the table goes on. */
    private void optional(Path table, String sql) {
        try {
            sql(table, sql);
        } catch (RuntimeException e) {
            String msg = String.valueOf(e.getMessage());
            refused.add(table.getFileName() + ": " + sql + " -> " + msg.substring(0, Math.min(300, msg.length())));
        }
    }

    private void basicTypes(Path t) {
        sql(t, "CREATE TABLE $T (id INT, b TINYINT, s SMALLINT, i INT, l BIGINT, f FLOAT, d DOUBLE, dec10 DECIMAL(10,2),"
                + " dec25 DECIMAL(25,5), str STRING, bool BOOLEAN, dt DATE, ts TIMESTAMP, bin BINARY) USING delta");
        sql(t, "INSERT INTO $T VALUES"
                + " (1, 127Y, 32767S, 2147483647, 9223372036854775807L, CAST('1.1' AS FLOAT), 1.1D, 12345678.91BD,"
                + "  99999999999999999999.99999BD, 'héllo wörld ✓ 日本語', true, DATE'2024-02-29',"
                + "  TIMESTAMP'2024-01-31 12:34:56.123456', X'00FF10'),"
                + " (2, -128Y, -32768S, -2147483648, -9223372036854775808L, CAST('-3.4028235E38' AS FLOAT), -1.7976931348623157E308D,"
                + "  -99999999.99BD, -99999999999999999999.99999BD, '', false, DATE'1970-01-01',"
                + "  TIMESTAMP'1969-12-31 23:59:59.999999', X''),"
                + " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
        sql(t, "INSERT INTO $T VALUES"
                + " (4, 0Y, 0S, 0, 0L, CAST('NaN' AS FLOAT), CAST('Infinity' AS DOUBLE), 0.00BD, 0.00000BD,"
                + "  'a \"quoted\", comma\\nnewline\\ttab', true, DATE'1900-01-01', TIMESTAMP'1900-01-01 00:00:00', X'DEADBEEF'),"
                + " (5, -1Y, -1S, -1, -1L, CAST('-0.0' AS FLOAT), CAST('-Infinity' AS DOUBLE), 0.01BD, 1.00001BD,"
                + "  'emoji 😀 and \\\\ backslash', NULL, DATE'9999-12-31', TIMESTAMP'2262-04-11 23:47:16.854775', NULL),"
                + " (6, NULL, 1S, NULL, 1L, CAST('1.4E-45' AS FLOAT), 4.9E-324D, NULL, -0.00001BD, 'null', NULL, NULL,"
                + "  TIMESTAMP'2000-02-29 23:59:59.5', X'6E756C6C')");
        sql(t, "INSERT INTO $T VALUES"
                + " (7, 42Y, 4242S, 424242, 42424242424242L, CAST('3.4028235E38' AS FLOAT), 0.1D, -0.50BD, 12345.67890BD,"
                + "  ' leading and trailing ', false, DATE'0001-01-01', TIMESTAMP'1000-06-15 12:00:00.000001', X'01'),"
                + " (8, NULL, NULL, 8, NULL, NULL, NULL, 8.00BD, NULL, NULL, true, DATE'1582-10-15', NULL, NULL),"
                + " (9, 9Y, NULL, NULL, NULL, CAST('Infinity' AS FLOAT), CAST('NaN' AS DOUBLE), NULL, NULL, 'NULL', NULL, NULL,"
                + "  TIMESTAMP'1970-01-01 00:00:00', NULL)");
    }

    private static final String PART_COLS = "id INT, v STRING, s STRING, n INT, dt DATE, ts TIMESTAMP, flag BOOLEAN, amt DECIMAL(8,2)";

    private void partitioned(Path t) {
        sql(t, "CREATE TABLE $T (" + PART_COLS + ") USING delta PARTITIONED BY (s, n, dt, ts, flag, amt)");
        sql(t, "INSERT INTO $T VALUES"
                + " (1, 'a', 'plain', 1, DATE'2024-01-01', TIMESTAMP'2024-01-01 10:00:00', true, 1.50BD),"
                + " (2, 'b', 'with space', 1, DATE'2024-01-01', TIMESTAMP'2024-01-01 10:00:00', false, -2.25BD),"
                + " (3, 'c', 'a/b', 2, DATE'2024-01-02', TIMESTAMP'2024-01-02 00:00:00.000001', true, 0.00BD),"
                + " (4, 'd', 'k=v', 2, DATE'1969-12-31', TIMESTAMP'1969-12-31 23:59:59.5', false, 999999.99BD),"
                + " (5, 'e', '50%', 3, DATE'2024-01-03', TIMESTAMP'2024-01-03 12:30:45.123456', true, -0.01BD),"
                + " (6, 'f', 'ünïcödé 日本', 3, DATE'2024-01-03', TIMESTAMP'2024-01-03 12:30:45.123456', NULL, 1.50BD),"
                + " (7, 'g', '', 1, DATE'2024-01-01', TIMESTAMP'2024-01-01 10:00:00', true, 1.50BD),"
                + " (8, 'h', NULL, NULL, NULL, NULL, NULL, NULL)");
        sql(t, "INSERT INTO $T VALUES"
                + " (9, 'i', 'plain', 1, DATE'2024-01-02', TIMESTAMP'2024-01-01 10:00:00.123456', true, 1.50BD),"
                + " (10, 'j', '#?&:*+', 4, DATE'2024-02-29', TIMESTAMP'2024-02-29 23:59:59', false, 2.00BD),"
                + " (11, NULL, 'plain', 4, DATE'2024-01-01', NULL, true, NULL)");
        // replaceWhere: the rows with n = 1 replaced by these (an overwrite of the matching files only)
        g.sql(t, "SELECT * FROM VALUES"
                + " (12, 'k', 'replaced', 1, DATE'2024-03-01', TIMESTAMP'2024-03-01 00:00:00', false, 3.25BD),"
                + " (13, 'l', 'plain', 1, DATE'2024-03-01', TIMESTAMP'2024-03-01 00:00:00', true, 1.50BD)"
                + " AS x(" + PART_COLS.replaceAll(" [A-Z]+(\\(\\d+,\\d+\\))?", "") + ")")
                .selectExpr("id", "v", "s", "n", "dt", "ts", "flag", "CAST(amt AS DECIMAL(8,2)) AS amt")
                .coalesce(1).write().format("delta").mode("overwrite").option("replaceWhere", "n = 1")
                .save(t.toAbsolutePath().toString());
        sql(t, "DELETE FROM $T WHERE s = 'a/b'");
        sql(t, "INSERT INTO $T VALUES (14, 'm', 'a/b', 2, DATE'2024-01-02', TIMESTAMP'2024-01-02 00:00:00.000001', true, 0.00BD)");
    }

    private void deletionVectors(Path t) {
        sql(t, "CREATE TABLE $T (id BIGINT, grp STRING, v STRING, x DOUBLE) USING delta"
                + " TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')");
        sql(t, "INSERT INTO $T SELECT /*+ COALESCE(1) */ id, CASE WHEN id % 2 = 0 THEN 'even' ELSE 'odd' END, concat('v', id),"
                + " id * 0.5 FROM range(0, 60)");
        sql(t, "DELETE FROM $T WHERE id % 5 = 0");
        sql(t, "UPDATE $T SET v = concat(v, '-u'), x = x + 100 WHERE id % 7 = 0");
        sql(t, "MERGE INTO $T t USING (SELECT id, 'merged' AS grp, concat('m', id) AS v, CAST(id AS DOUBLE) AS x FROM range(55, 70)) s"
                + " ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
        sql(t, "DELETE FROM $T WHERE id % 3 = 0");
        sql(t, "INSERT INTO $T SELECT /*+ COALESCE(1) */ id, 'late', concat('v', id), NULL FROM range(100, 110)");
        sql(t, "DELETE FROM $T WHERE grp = 'late' AND id < 105");
        sql(t, "DELETE FROM $T WHERE grp = 'late'");
    }

    private void columnMapping(Path t, String mode) {
        sql(t, "CREATE TABLE $T (id INT, a STRING, b INT, p STRING) USING delta PARTITIONED BY (p) TBLPROPERTIES"
                + " ('delta.columnMapping.mode' = '" + mode + "', 'delta.minReaderVersion' = '2', 'delta.minWriterVersion' = '5')");
        sql(t, "INSERT INTO $T VALUES (1, 'a1', 10, 'x'), (2, 'a2', 20, 'y'), (3, NULL, NULL, 'x')");
        sql(t, "ALTER TABLE $T RENAME COLUMN a TO a_renamed");
        sql(t, "INSERT INTO $T VALUES (4, 'a4', 40, 'y')");
        sql(t, "ALTER TABLE $T DROP COLUMN b");
        sql(t, "INSERT INTO $T VALUES (5, 'a5', 'x')");
        sql(t, "ALTER TABLE $T ADD COLUMNS (b STRING)");
        sql(t, "INSERT INTO $T VALUES (6, 'a6', 'y', 'b6'), (7, 'a7', 'x', NULL)");
        optional(t, "ALTER TABLE $T RENAME COLUMN p TO part");
        sql(t, "INSERT INTO $T VALUES (8, 'a8', 'z', 'b8')");
        sql(t, "DELETE FROM $T WHERE id = 2");
    }

    private void checkpoints(Path t) {
        sql(t, "CREATE TABLE $T (id BIGINT, v STRING) USING delta TBLPROPERTIES ('delta.checkpointInterval' = '3')");
        for (int k = 1; k <= 12; k++) {
            if (k == 7) {
                // from here on the checkpoints (versions 9 and 12) are multi-part: a few actions per part
                g.spark.conf().set("spark.databricks.delta.checkpoint.partSize", "3");
            }
            if (k % 4 == 0) {
                sql(t, "DELETE FROM $T WHERE id % " + (k + 1) + " = 0");
            } else {
                sql(t, "INSERT INTO $T SELECT /*+ COALESCE(1) */ id, concat('c', " + k + ", '-', id) FROM range(" + (k * 5) + ", "
                        + (k * 5 + 5) + ")");
            }
        }
        sql(t, "INSERT INTO $T VALUES (1000, 'after the last checkpoint')");
    }

    private void checkpointsV2(Path t) {
        sql(t, "CREATE TABLE $T (id BIGINT, v STRING, p INT) USING delta PARTITIONED BY (p) TBLPROPERTIES"
                + " ('delta.checkpointInterval' = '3', 'delta.checkpointPolicy' = 'v2', 'delta.enableDeletionVectors' = 'true')");
        g.spark.conf().set("spark.databricks.delta.checkpoint.partSize", "3");
        for (int k = 1; k <= 10; k++) {
            if (k % 3 == 0) {
                sql(t, "DELETE FROM $T WHERE id % " + (k + 1) + " = 1");
            } else {
                sql(t, "INSERT INTO $T SELECT /*+ COALESCE(1) */ id, concat('c', " + k + ", '-', id), " + (k % 2) + " FROM range("
                        + (k * 5) + ", " + (k * 5 + 5) + ")");
            }
        }
    }

    /** Checkpoints whose partitionValues_parsed and stats_parsed hold dates, timestamps, decimals and binary. */
    private void checkpointsParsed(Path t) {
        sql(t, "CREATE TABLE $T (id INT, dt DATE, ts TIMESTAMP, ntz TIMESTAMP_NTZ, amt DECIMAL(12,3), bin BINARY, pdt DATE, pts TIMESTAMP)"
                + " USING delta PARTITIONED BY (pdt, pts) TBLPROPERTIES ('delta.checkpointInterval' = '2')");
        for (int k = 1; k <= 4; k++) {
            sql(t, "INSERT INTO $T VALUES (" + k + ", DATE'2024-01-0" + k + "', TIMESTAMP'2024-01-0" + k + " 10:00:00.123456',"
                    + " TIMESTAMP_NTZ'2024-01-0" + k + " 10:00:00', " + k + ".125BD, X'0" + k + "', DATE'2024-02-0" + (k % 2 + 1) + "',"
                    + " TIMESTAMP'2024-02-01 0" + (k % 2) + ":30:00'), (" + (k + 10) + ", NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
        }
        sql(t, "DELETE FROM $T WHERE id = 2");
    }

    private void changeDataFeed(Path t) {
        sql(t, "CREATE TABLE $T (id INT, name STRING, score DOUBLE, p STRING) USING delta PARTITIONED BY (p)"
                + " TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')");
        sql(t, "INSERT INTO $T VALUES (1, 'one', 1.0, 'a'), (2, 'two', 2.0, 'a'), (3, 'three', 3.0, 'b'), (4, 'four', 4.0, 'b'),"
                + " (5, 'five', NULL, 'a'), (6, NULL, 6.5, 'c')");
        sql(t, "UPDATE $T SET score = score + 10 WHERE id <= 2 OR id = 4");
        sql(t, "DELETE FROM $T WHERE id = 3");
        sql(t, "MERGE INTO $T t USING (SELECT * FROM VALUES (1, 'uno', 100.0D, 'a', 'u'), (5, NULL, NULL, 'a', 'd'),"
                + " (7, 'seven', 7.0D, 'b', 'u'), (8, 'eight', 8.0D, 'c', 'u') AS s(id, name, score, p, op)) s ON t.id = s.id"
                + " WHEN MATCHED AND s.op = 'd' THEN DELETE"
                + " WHEN MATCHED THEN UPDATE SET name = s.name, score = s.score"
                + " WHEN NOT MATCHED THEN INSERT (id, name, score, p) VALUES (s.id, s.name, s.score, s.p)");
        sql(t, "INSERT INTO $T VALUES (9, 'nine', 9.0, 'a')");
        sql(t, "DELETE FROM $T WHERE p = 'c'");
    }

    private void timestampNtz(Path t) {
        sql(t, "CREATE TABLE $T (id INT, ntz TIMESTAMP_NTZ, ts TIMESTAMP, pntz TIMESTAMP_NTZ) USING delta PARTITIONED BY (pntz)");
        sql(t, "INSERT INTO $T VALUES"
                + " (1, TIMESTAMP_NTZ'2024-01-31 12:34:56.123456', TIMESTAMP'2024-01-31 12:34:56.123456', TIMESTAMP_NTZ'2024-01-01 00:00:00'),"
                + " (2, TIMESTAMP_NTZ'1969-12-31 23:59:59.999999', TIMESTAMP'1969-12-31 23:59:59.999999',"
                + "  TIMESTAMP_NTZ'2024-06-15 08:30:00.5'),"
                + " (3, NULL, NULL, NULL)");
        sql(t, "INSERT INTO $T VALUES"
                + " (4, TIMESTAMP_NTZ'1900-01-01 00:00:00', TIMESTAMP'1900-01-01 00:00:00', TIMESTAMP_NTZ'2024-01-01 00:00:00'),"
                + " (5, TIMESTAMP_NTZ'9999-12-31 23:59:59.999999', NULL, TIMESTAMP_NTZ'1999-12-31 23:59:59.999999'),"
                + " (6, TIMESTAMP_NTZ'0001-01-01 00:00:00', TIMESTAMP'2000-01-01 00:00:00', NULL)");
        sql(t, "DELETE FROM $T WHERE id = 2");
    }

    private void typeWidening(Path t) {
        sql(t, "CREATE TABLE $T (id INT, i INT, b TINYINT, s SMALLINT, f FLOAT, dec DECIMAL(5,2), dt DATE) USING delta"
                + " TBLPROPERTIES ('delta.enableTypeWidening' = 'true', 'delta.feature.timestampNtz' = 'supported')");
        sql(t, "INSERT INTO $T VALUES (1, 2147483647, 127Y, 32767S, CAST('1.1' AS FLOAT), 123.45BD, DATE'2024-01-01'),"
                + " (2, -2147483648, -128Y, -32768S, CAST('-0.5' AS FLOAT), -999.99BD, DATE'1969-12-31'),"
                + " (3, NULL, NULL, NULL, NULL, NULL, NULL)");
        sql(t, "ALTER TABLE $T ALTER COLUMN i TYPE BIGINT");
        sql(t, "INSERT INTO $T VALUES (4, 9223372036854775807L, 1Y, 1S, CAST('2.5' AS FLOAT), 1.00BD, DATE'2024-01-02')");
        optional(t, "ALTER TABLE $T ALTER COLUMN b TYPE INT");
        optional(t, "ALTER TABLE $T ALTER COLUMN s TYPE INT");
        optional(t, "ALTER TABLE $T ALTER COLUMN f TYPE DOUBLE");
        optional(t, "ALTER TABLE $T ALTER COLUMN dec TYPE DECIMAL(10,2)");
        optional(t, "ALTER TABLE $T ALTER COLUMN dt TYPE TIMESTAMP_NTZ");
        sql(t, "INSERT INTO $T SELECT 5, 9223372036854775806L, 2147483647, 2147483647, 0.1D, 12345678.91BD, DATE'2024-01-03'");
    }

    private void copyOnWrite(Path t) {
        sql(t, "CREATE TABLE $T (id INT, v STRING, amount DECIMAL(12,3)) USING delta"
                + " TBLPROPERTIES ('delta.enableDeletionVectors' = 'false')");
        sql(t, "INSERT INTO $T SELECT /*+ REPARTITION(2) */ CAST(id AS INT), concat('r', id), CAST(id * 1.125 AS DECIMAL(12,3))"
                + " FROM range(0, 30)");
        sql(t, "UPDATE $T SET v = upper(v), amount = -amount WHERE id % 4 = 0");
        sql(t, "DELETE FROM $T WHERE id % 5 = 0");
        sql(t, "MERGE INTO $T t USING (SELECT CAST(id AS INT) AS id, concat('m', id) AS v, CAST(id AS DECIMAL(12,3)) AS amount"
                + " FROM range(25, 35)) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
        sql(t, "DELETE FROM $T WHERE id > 31");
    }
}
