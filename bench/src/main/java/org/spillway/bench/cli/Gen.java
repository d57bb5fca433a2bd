package org.spillway.bench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.spillway.datasets.Events;
import org.spillway.datasets.JoinData;

/** {@code ./spillway gen <dataset> ...}: writes generated data sets as CSV. */
final class Gen {
    private Gen() {
    }

    static int run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            System.out.print("usage: ./spillway gen events --rows N --out DIR [--files K] [--seed S]\n"
                    + "       ./spillway gen groupby --n N --k K [--nas PERCENT] [--sort 0|1] [--seed S] --out DIR\n"
                    + "       ./spillway gen join --n N [--nas PERCENT] [--seed S] --out DIR\n");
            return args.length == 0 ? 2 : 0;
        }
        Options o = Options.parse(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "events" -> {
                long rows = o.count("rows", 1_000_000);
                Path out = Path.of(o.get("out", "data"));
                int files = (int) o.count("files", 1);
                long seed = o.count("seed", 42);
                Files.createDirectories(out);
                long t0 = System.nanoTime();
                long bytes = Events.rows(rows).seed(seed).writeCsv(out, files);
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "wrote %,d rows (%.1f MB) in %d file(s) to %s in %.1f s%n",
                        rows, bytes / 1e6, files, out, s);
                return 0;
            }
            case "groupby" -> {
                org.spillway.datasets.GroupByData g = org.spillway.datasets.GroupByData.of(o.count("n", 10_000_000), (int) o.count("k", 100))
                        .nas((int) o.count("nas", 0)).sorted(o.count("sort", 0) != 0);
                if (o.named().containsKey("seed")) {
                    g = g.seed(o.count("seed", 0));
                }
                Path out = Files.createDirectories(Path.of(o.get("out", "data")));
                long t0 = System.nanoTime();
                Path file = g.writeCsvInto(out);
                System.out.printf(Locale.ROOT, "wrote %s (%,d rows, %.1f MB) in %.1f s%n", file, g.rows(), Files.size(file) / 1e6,
                        (System.nanoTime() - t0) / 1e9);
                return 0;
            }
            case "join" -> {
                JoinData j = JoinData.of(o.count("n", 10_000_000)).nas((int) o.count("nas", 0));
                if (o.named().containsKey("seed")) {
                    j = j.seed(o.count("seed", 0));
                }
                Path out = Files.createDirectories(Path.of(o.get("out", "data")));
                long t0 = System.nanoTime();
                for (JoinData.Table t : JoinData.Table.values()) {
                    long t1 = System.nanoTime();
                    Path file = out.resolve(j.fileName(t));
                    long bytes = j.writeCsv(t, file);
                    System.out.printf(Locale.ROOT, "wrote %s (%s, %,d rows, %.1f MB) in %.1f s%n", file, t.label(), j.rows(t),
                            bytes / 1e6, (System.nanoTime() - t1) / 1e9);
                }
                System.out.printf(Locale.ROOT, "join tables of N = %,d written in %.1f s%n", j.n(), (System.nanoTime() - t0) / 1e9);
                return 0;
            }
            default -> {
                System.err.println("spillway gen: unknown data set '" + args[0] + "' (known: events, groupby, join)");
                return 2;
            }
        }
    }
}
