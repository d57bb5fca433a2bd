package org.spillway.frame.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * The golden tables of {@code src/test/resources/hudi-golden/}, written by Spark 3.5.3 + Hudi 1.0.2 (the
 * {@code hudi-golden} profile of frame's pom, see {@code src/hudi-golden/}), read by Spillway at every
 * commit and from every commit on, equal to what Spark's Hudi reader returned: {@code expected/asof_<instant>.txt}
 * ({@code as.of.instant}; the snapshot view of the merge-on-read table, base and log files merged),
 * {@code expected/ro_<instant>.txt} (its read-optimized view) and {@code expected/changes_<instant>.txt}
 * (the incremental query for the commits after it). The tables:
 * {@code cow_nonpart} (insert, upsert with precombine, delete, upsert; table version 8), {@code cow_part}
 * (two partition levels), {@code cow_overwrite} (insert_overwrite of a partition: a replacecommit, Avro
 * metadata), {@code cow_v6} (the same written as table version 6, the Hudi 0.x layout with JSON metadata),
 * {@code cow_evolve} (a column added by an upsert: files of the other partition lack it),
 * {@code mor} (merge-on-read: updates in log files, inline compactions, an update older than the stored
 * row by the ordering field, deletes in a delete block), {@code mor_v6} (the same without the deletes, as
 * table version 6: log files named by their base file's instant) and {@code mor_evolve} (a column only
 * log files have).
 */
@SpillwayTest
class HudiGoldenTablesTest {
    static final Path GOLDEN = Path.of("src/test/resources/hudi-golden");

    @ParameterizedTest
    @ValueSource(strings = {"cow_nonpart", "cow_part", "cow_overwrite", "cow_v6", "cow_evolve", "mor", "mor_v6", "mor_evolve"})
    void everyCommitReadsAsSparkReadsIt(String name, Spillway sw) throws IOException {
        Path table = GOLDEN.resolve(name);
        HudiTable ht = HudiTable.forPath(sw, table);
        List<String> commits = new ArrayList<>();
        for (String line : Files.readAllLines(table.resolve("commits.txt"))) {
            commits.add(line.split(" ")[0]);
        }
        assertEquals(commits, ht.commits(), name + ": completed commits");
        assertEquals(commits.getLast(), ht.latestCommit());
        int checked = 0;
        for (String c : commits) {
            Path asOf = table.resolve("expected/asof_" + c + ".txt");
            assertEquals(Files.readString(asOf), render(ht.asOfCommit(c)), name + " as of " + c);
            checked++;
            Path ro = table.resolve("expected/ro_" + c + ".txt");
            if (Files.exists(ro)) {
                assertEquals(Files.readString(ro), render(ht.readOptimizedAsOf(c)), name + " read-optimized as of " + c);
            }
            Path changes = table.resolve("expected/changes_" + c + ".txt");
            if (Files.exists(changes)) {
                assertEquals(Files.readString(changes), render(ht.changesSince(c)), name + " changes since " + c);
                checked++;
            }
        }
        assertEquals(Files.readString(table.resolve("expected/asof_" + commits.getLast() + ".txt")), render(ht.toDF()));
        assertEquals(Files.readString(table.resolve("expected/asof_" + commits.getLast() + ".txt")), render(sw.readHudi(table.toString())));
        assertEquals(ht.toDF().schema().names(), ht.schema().names());
        assertTrue(checked >= commits.size());
    }

    /** A frame as the generator renders Spark's rows: a header of names, then tab-separated values, lines sorted. */
    static String render(DataFrame df) {
        List<String> lines = new ArrayList<>();
        for (Row r : df.rows()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                sb.append(i > 0 ? "\t" : "").append(value(r.get(i)));
            }
            lines.add(sb.toString());
        }
        lines.sort(null);
        return String.join("\t", df.schema().names()) + "\n" + (lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
    }

    private static String value(Object v) {
        return switch (v) {
            case null -> "null";
            case BigDecimal bd -> bd.toPlainString();
            case byte[] b -> HexFormat.of().formatHex(b);
            default -> v.toString();
        };
    }
}
