package org.spillway.frame.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.spillway.spill.memory.MemoryBudget;

/**
 * A quick single-thread timing (run by hand, not a JMH benchmark) of what the lenient bad-row policies cost on a wide
 * file, where they check every column whatever a query reads: {@code java ... CsvWideSpeedMain [file] [megabytes]}.
 * Generates a file of 20 int, 10 float and 10 string columns if it is missing, then times a count, one column and all
 * columns under FAIL, SKIP and NULL, and all columns under {@link InvalidUtf8Policy#REPLACE}, in CPU seconds of the
 * parsing thread (the page cache holds the file after the first round).
 */
public final class CsvWideSpeedMain {
    private CsvWideSpeedMain() {
    }

    /** Entry point. */
    public static void main(String[] args) throws IOException {
        Path f = Path.of(args.length > 0 ? args[0] : "/tmp/spillway-wide.csv");
        long mb = args.length > 1 ? Long.parseLong(args[1]) : 200;
        if (!Files.exists(f)) {
            generate(f, mb << 20);
        }
        CsvOptions base = CsvOptions.defaults().splitBytes(Long.MAX_VALUE);
        int width = CsvSource.open(f.toString(), base).schema().size();
        int[] all = new int[width];
        for (int i = 0; i < width; i++) {
            all[i] = i;
        }
        for (int round = 0; round < 4; round++) {
            for (BadRowPolicy p : BadRowPolicy.values()) {
                CsvSource src = CsvSource.open(f.toString(), base.onBadRow(p));
                time(p + " count", src, new int[0]);
                time(p + " 1 int column", src, new int[] {0});
                time(p + " all columns", src, all);
            }
            time("FAIL+REPLACE all columns", CsvSource.open(f.toString(), base.invalidUtf8(InvalidUtf8Policy.REPLACE)), all);
            time("FAIL+REPLACE count", CsvSource.open(f.toString(), base.invalidUtf8(InvalidUtf8Policy.REPLACE)), new int[0]);
            System.out.println();
        }
    }

    private static void time(String what, CsvSource src, int[] proj) {
        try (MemoryBudget budget = new MemoryBudget(4L << 30)) {
            CsvSplitParser p = src.newParser(proj, 65_536, budget);
            AtomicLong rows = new AtomicLong();
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long t0 = mx.getCurrentThreadCpuTime();
            for (CsvSplit s : src.splits()) {
                p.parse(s, c -> {
                    rows.addAndGet(c.rows());
                    c.close();
                });
            }
            double sec = (mx.getCurrentThreadCpuTime() - t0) / 1e9; // CPU time: the machine may be shared
            System.out.printf("%-26s %,d rows in %.3f s of CPU: %.0f MB/s%n", what, rows.get(), sec,
                    src.totalBytes() / 1e6 / sec);
        }
    }

    private static void generate(Path f, long bytes) throws IOException {
        Random rnd = new Random(42);
        try (BufferedWriter w = Files.newBufferedWriter(f)) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < 40; c++) {
                sb.append(c > 0 ? "," : "").append(c < 20 ? "i" : c < 30 ? "f" : "s").append(c);
            }
            w.write(sb.append('\n').toString());
            long written = 0;
            while (written < bytes) {
                sb.setLength(0);
                for (int c = 0; c < 40; c++) {
                    if (c > 0) {
                        sb.append(',');
                    }
                    if (c < 20) {
                        sb.append(rnd.nextInt(1_000_000));
                    } else if (c < 30) {
                        sb.append(String.format("%.4f", rnd.nextDouble() * 1000));
                    } else {
                        sb.append("name").append(rnd.nextInt(10_000));
                    }
                }
                sb.append('\n');
                w.write(sb.toString());
                written += sb.length();
            }
        }
    }
}
