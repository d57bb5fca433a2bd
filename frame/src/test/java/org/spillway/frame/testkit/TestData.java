package org.spillway.frame.testkit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.CsvOptions;
import org.spillway.spill.DataType;

/**
 * The random CSV files the DuckDB-checked tests share, each with the column types both engines
 * read it with: DuckDB through {@link Table#scan()} (a {@code read_csv} with explicit columns, so
 * its type inference cannot drift between versions) and Spillway through {@link Table#options()}.
 * Fixed seeds: the same rows on every run. Each file is written once per directory.
 */
public final class TestData {
    private TestData() {
    }

    /**
     * A CSV file and how to read it.
     *
     * @param path the file
     * @param duckColumns DuckDB's {@code columns} struct for {@code read_csv}, or null to let DuckDB infer
     * @param options Spillway's reading options, or null to let Spillway infer
     * @param extraDuckOptions more {@code read_csv} options, with a leading comma, or ""
     */
    public record Table(Path path, String duckColumns, CsvOptions options, String extraDuckOptions) {
        /** DuckDB's table expression for this file. */
        public String scan() {
            if (duckColumns == null) {
                return "read_csv('" + path + "')"; // DuckDB infers the types
            }
            return "read_csv('" + path + "', columns = " + duckColumns + ", header = true" + extraDuckOptions + ")";
        }

        /** This file as a Spillway frame. */
        public DataFrame read(Spillway sw) {
            return options == null ? sw.readCsv(path.toString()) : sw.readCsv(path, options);
        }
    }

    /** Group-by data: 60,000 rows, null keys, one int key holding half the rows, every key type. */
    public static Table groupBy(Path dir) {
        Path csv = dir.resolve("g.csv");
        if (!Files.exists(csv)) {
            SplittableRandom r = new SplittableRandom(99);
            String[] words = {"a", "bb", "ccc", "Émile", "日本", "z z", "long-" + "x".repeat(40)};
            write(csv, w -> {
                w.write("rn,k_int,k_str,k_long,k_dbl,k_bool,k_date,v_int,v_dbl\n");
                for (int i = 0; i < 60_000; i++) {
                    String kInt = r.nextInt(20) == 0 ? "" : r.nextBoolean() ? "7" : Integer.toString(r.nextInt(-50, 50));
                    String kStr = r.nextInt(25) == 0 ? "" : words[r.nextInt(words.length)] + r.nextInt(30);
                    String kLong = Long.toString(r.nextInt(40_000) * 1_000_003L - 7_000_000_000L);
                    String kDbl = r.nextInt(30) == 0 ? "" : Double.toString(r.nextInt(12) / 4.0 - 1);
                    String kBool = r.nextInt(10) == 0 ? "" : Boolean.toString(r.nextBoolean());
                    String kDate = "2024-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10);
                    String vInt = r.nextInt(8) == 0 ? "" : Integer.toString(r.nextInt(-1_000_000, 1_000_000));
                    String vDbl = r.nextInt(9) == 0 ? "" : Double.toString(Math.round(r.nextGaussian() * 1e8) / 1e4);
                    w.write(i + "," + kInt + "," + kStr + "," + kLong + "," + kDbl + "," + kBool + "," + kDate + "," + vInt + "," + vDbl + "\n");
                }
            });
        }
        return new Table(csv, "{'rn': 'BIGINT', 'k_int': 'INTEGER', 'k_str': 'VARCHAR', 'k_long': 'BIGINT', "
                + "'k_dbl': 'DOUBLE', 'k_bool': 'BOOLEAN', 'k_date': 'DATE', 'v_int': 'INTEGER', 'v_dbl': 'DOUBLE'}",
                CsvOptions.defaults().columnType("k_dbl", DataType.FLOAT64).columnType("k_bool", DataType.BOOL)
                        .columnType("v_dbl", DataType.FLOAT64).columnType("k_long", DataType.INT64).columnType("rn", DataType.INT64), "");
    }

    /** The left side of the joins: 40,000 rows, key 7 a quarter of them, null keys, unicode strings. */
    public static Table joinLeft(Path dir) {
        writeJoinData(dir);
        return new Table(dir.resolve("l.csv"), "{'lid': 'BIGINT', 'k_int': 'INTEGER', 'k_str': 'VARCHAR', 'k_dbl': 'DOUBLE', "
                + "'k_date': 'DATE', 'v': 'DOUBLE', 'name': 'VARCHAR'}",
                CsvOptions.defaults().columnType("lid", DataType.INT64).columnType("k_int", DataType.INT32)
                        .columnType("k_dbl", DataType.FLOAT64).columnType("k_date", DataType.DATE).columnType("v", DataType.FLOAT64), "");
    }

    /** The right side of the joins: 30,000 rows with duplicate keys. */
    public static Table joinRight(Path dir) {
        writeJoinData(dir);
        return rightTable(dir.resolve("r.csv"));
    }

    /** A right side where one key holds 90% of the rows: a build side hashing cannot split. */
    public static Table joinSkewedRight(Path dir) {
        writeJoinData(dir);
        return rightTable(dir.resolve("s.csv"));
    }

    private static Table rightTable(Path p) {
        return new Table(p, "{'rid': 'BIGINT', 'k_int': 'INTEGER', 'k_long': 'BIGINT', 'k_str': 'VARCHAR', 'k_dbl': 'DOUBLE', "
                + "'k_date': 'DATE', 'w': 'INTEGER', 'name': 'VARCHAR'}",
                CsvOptions.defaults().columnType("rid", DataType.INT64).columnType("k_int", DataType.INT32)
                        .columnType("k_long", DataType.INT64).columnType("k_dbl", DataType.FLOAT64).columnType("k_date", DataType.DATE)
                        .columnType("w", DataType.INT32), "");
    }

    private static synchronized void writeJoinData(Path dir) {
        Path left = dir.resolve("l.csv");
        if (Files.exists(left)) {
            return;
        }
        // one random stream for the three files, in this order, as the join tests always had
        SplittableRandom r = new SplittableRandom(7);
        String[] words = {"a", "bb", "Émile", "日本", "z z", "long-" + "x".repeat(30)};
        write(left, w -> {
            w.write("lid,k_int,k_str,k_dbl,k_date,v,name\n");
            for (int i = 0; i < 40_000; i++) {
                // key 7 is skewed on the left: a quarter of the rows
                String k = i % 10_000 == 1 ? "123456" : r.nextInt(25) == 0 ? "" : r.nextInt(4) == 0 ? "7"
                        : Integer.toString(r.nextInt(-20_000, 20_000));
                String s = r.nextInt(30) == 0 ? "" : words[r.nextInt(words.length)] + r.nextInt(2_000);
                String d = r.nextInt(40) == 0 ? "" : Double.toString(r.nextInt(40_000) / 4.0 - 2_000);
                String date = "2024-0" + (1 + r.nextInt(9)) + "-" + (10 + r.nextInt(19));
                String v = r.nextInt(10) == 0 ? "" : Double.toString(Math.round(r.nextGaussian() * 1e6) / 1e3);
                w.write(i + "," + k + "," + s + "," + d + "," + date + "," + v + ",L" + i % 100 + "\n");
            }
        });
        write(dir.resolve("r.csv"), w -> {
            w.write("rid,k_int,k_long,k_str,k_dbl,k_date,w,name\n");
            for (int i = 0; i < 30_000; i++) {
                // duplicates on the right too (keys drawn from a range smaller than the row count)
                int ki = r.nextInt(-25_000, 25_000);
                String k = r.nextInt(25) == 0 ? "" : i < 3 ? "7" : Integer.toString(ki == 7 ? 8 : ki);
                String kl = r.nextInt(25) == 0 ? "" : Long.toString(r.nextInt(-20_000, 20_000));
                String s = r.nextInt(30) == 0 ? "" : words[r.nextInt(words.length)] + r.nextInt(2_500);
                String d = r.nextInt(40) == 0 ? "" : Double.toString(r.nextInt(50_000) / 4.0 - 2_000);
                String date = "2024-0" + (1 + r.nextInt(9)) + "-" + (10 + r.nextInt(19));
                String wv = r.nextInt(10) == 0 ? "" : Integer.toString(r.nextInt(1000));
                w.write(i + "," + k + "," + kl + "," + s + "," + d + "," + date + "," + wv + ",R" + i % 50 + "\n");
            }
        });
        write(dir.resolve("s.csv"), w -> {
            w.write("rid,k_int,k_long,k_str,k_dbl,k_date,w,name\n");
            for (int i = 0; i < 30_000; i++) {
                String k = i % 10 == 0 ? Integer.toString(r.nextInt(-20_000, 20_000)) : "123456";
                w.write(i + "," + k + ",1,s" + (i % 10 == 0 ? i : 5) + ",1.0,2024-01-10," + (i % 1000) + ",S\n");
            }
        });
    }

    /**
     * Sort data: 60,000 rows of every type with nulls, many duplicate keys, NaN and infinities,
     * unicode strings and a quoted empty string (not null: DuckDB reads it with
     * {@code allow_quoted_nulls = false}).
     */
    public static Table sort(Path dir) {
        Path csv = dir.resolve("sort.csv");
        if (!Files.exists(csv)) {
            SplittableRandom r = new SplittableRandom(2024);
            String[] words = {"a", "B", "ab", "Émile", "émile", "日本", "z z", "zz", "\uD83D\uDE00x", "\uFFFDy", "long-" + "x".repeat(30)};
            write(csv, w -> {
                w.write("rn,i,l,d,s,b,dt,ts\n");
                for (int n = 0; n < 60_000; n++) {
                    String i = r.nextInt(15) == 0 ? "" : Integer.toString(r.nextInt(-40, 40));
                    String l = r.nextInt(20) == 0 ? "" : Long.toString(r.nextLong(-3, 3) * 3_000_000_007L + r.nextInt(3));
                    String d = switch (r.nextInt(25)) {
                        case 0 -> "";
                        case 1 -> "NaN";
                        case 2 -> "Infinity";
                        case 3 -> "-Infinity";
                        default -> Double.toString(r.nextInt(-20, 20) / 4.0 + 0.5);
                    };
                    String s = r.nextInt(12) == 0 ? "" : r.nextInt(30) == 0 ? "\"\"" : words[r.nextInt(words.length)] + r.nextInt(4);
                    String b = r.nextInt(8) == 0 ? "" : Boolean.toString(r.nextBoolean());
                    String dt = r.nextInt(10) == 0 ? "" : "2024-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10);
                    String ts = r.nextInt(10) == 0 ? "" : "2023-12-3" + r.nextInt(2) + " 1" + r.nextInt(10) + ":0" + r.nextInt(10) + ":00";
                    w.write(n + "," + i + "," + l + "," + d + "," + s + "," + b + "," + dt + "," + ts + "\n");
                }
            });
        }
        return new Table(csv, "{'rn': 'BIGINT', 'i': 'INTEGER', 'l': 'BIGINT', 'd': 'DOUBLE', 's': 'VARCHAR', "
                + "'b': 'BOOLEAN', 'dt': 'DATE', 'ts': 'TIMESTAMP'}",
                CsvOptions.defaults().columnType("rn", DataType.INT64).columnType("i", DataType.INT32)
                        .columnType("l", DataType.INT64).columnType("d", DataType.FLOAT64).columnType("s", DataType.STRING)
                        .columnType("b", DataType.BOOL).columnType("dt", DataType.DATE).columnType("ts", DataType.TIMESTAMP),
                ", allow_quoted_nulls = false");
    }

    /**
     * Pipeline data: 200,000 rows with nulls, skewed and unicode strings. Both engines infer the
     * types, as the pipeline test always did, so inference is tested too.
     */
    public static Table pipeline(Path dir) {
        Path csv = dir.resolve("random.csv");
        if (!Files.exists(csv)) {
            SplittableRandom r = new SplittableRandom(7);
            String[] words = {"alpha", "Beta", "γάμμα", "d", "日本語", "e e", "k1", "zz"};
            write(csv, w -> {
                w.write("id,k,a,x,b\n");
                for (int i = 0; i < 200_000; i++) {
                    String k = r.nextInt(20) == 0 ? "" : r.nextInt(2) == 0 ? "k1" : words[r.nextInt(words.length)] + r.nextInt(1 + r.nextInt(500));
                    String a = r.nextInt(10) == 0 ? "" : Integer.toString(r.nextInt(-1000, 1000));
                    String x = r.nextInt(15) == 0 ? "" : Double.toString(Math.round(r.nextDouble() * 1e6) / 1e6);
                    String b = r.nextInt(30) == 0 ? "" : Boolean.toString(r.nextBoolean());
                    w.write(i + "," + k + "," + a + "," + x + "," + b + "\n");
                }
            });
        }
        return new Table(csv, null, null, "");
    }

    private interface Writer {
        void write(BufferedWriter w) throws IOException;
    }

    private static void write(Path p, Writer body) {
        try {
            Files.createDirectories(p.getParent());
            try (BufferedWriter w = Files.newBufferedWriter(p)) {
                body.write(w);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
