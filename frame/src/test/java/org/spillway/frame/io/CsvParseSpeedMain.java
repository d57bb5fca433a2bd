package org.spillway.frame.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.spillway.spill.memory.MemoryBudget;

/**
 * A quick single-thread timing of the split parser (not a JMH benchmark; run by hand):
 * {@code java ... CsvParseSpeedMain [file] [megabytes]}. Generates a db-benchmark "groupby"-shaped
 * file (3 string ids, 3 int ids, 2 int values, 1 float value) if the file is missing, then parses
 * it as one split a few times and prints MB/s for all columns and for a count.
 */
public final class CsvParseSpeedMain {
    private CsvParseSpeedMain() {
    }

    /** Entry point. */
    public static void main(String[] args) throws IOException {
        Path f = Path.of(args.length > 0 ? args[0] : "/tmp/spillway-speed.csv");
        long mb = args.length > 1 ? Long.parseLong(args[1]) : 200;
        if (!Files.exists(f)) {
            generate(f, mb << 20);
        }
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults().splitBytes(Long.MAX_VALUE));
        System.out.println(src.schema().toString().replace('\n', ' '));
        int[] all = new int[src.schema().size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        for (int round = 0; round < 5; round++) {
            time("all columns", src, all);
        }
        time("count only", src, new int[0]);
    }

    private static void time(String what, CsvSource src, int[] proj) {
        try (MemoryBudget budget = new MemoryBudget(4L << 30)) {
            CsvSplitParser p = src.newParser(proj, 65_536, budget);
            AtomicLong rows = new AtomicLong();
            long t0 = System.nanoTime();
            for (CsvSplit s : src.splits()) {
                p.parse(s, c -> {
                    rows.addAndGet(c.rows());
                    c.close();
                });
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%-12s %,d rows in %.3f s: %.0f MB/s%n", what, rows.get(), sec,
                    src.totalBytes() / 1e6 / sec);
        }
    }

    private static void generate(Path f, long bytes) throws IOException {
        Random rnd = new Random(42);
        try (BufferedWriter w = Files.newBufferedWriter(f)) {
            w.write("id1,id2,id3,id4,id5,id6,v1,v2,v3\n");
            long written = 0;
            StringBuilder sb = new StringBuilder();
            while (written < bytes) {
                sb.setLength(0);
                sb.append("id").append(String.format("%03d", 1 + rnd.nextInt(100))).append(',')
                        .append("id").append(String.format("%03d", 1 + rnd.nextInt(100))).append(',')
                        .append("id").append(String.format("%010d", 1 + rnd.nextInt(100_000))).append(',')
                        .append(1 + rnd.nextInt(100)).append(',').append(1 + rnd.nextInt(100)).append(',')
                        .append(1 + rnd.nextInt(100_000)).append(',').append(1 + rnd.nextInt(5)).append(',')
                        .append(1 + rnd.nextInt(15)).append(',')
                        .append(String.format("%.6f", rnd.nextDouble() * 100)).append('\n');
                w.write(sb.toString());
                written += sb.length();
            }
        }
    }
}
