package org.spillway.frame.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * Hudi base files are pruned by their partition path before their footers are read (the tables Spark wrote:
 * {@link HudiGoldenTablesTest}): a filter on a partition column never opens the other partitions' files, and
 * filters at every column's own values give what they give over the collected rows.
 */
@SpillwayTest
class HudiTableScanTest {
    @TempDir
    Path dir;

    private Path copy(String name) throws IOException {
        Path from = HudiGoldenTablesTest.GOLDEN.resolve(name);
        Path to = dir.resolve(name);
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    private static long counter(Spillway sw, String name) {
        return sw.counters().getOrDefault(name, 0L);
    }

    @Test
    void aFilterOnPartitionColumnsOpensOnlyThatPartitionsFiles(Spillway sw) throws IOException {
        Path t = copy("cow_part");
        long all = sw.readHudi(t.toString()).count();
        long tokyo = sw.readHudi(t.toString()).filter(col("city").eq("tokyo")).count();
        assertTrue(tokyo > 0 && tokyo < all, tokyo + " of " + all);
        // break the base files of partition asia/tokyo (not the newest file, which gives the schema)
        List<Path> broken;
        try (Stream<Path> s = Files.list(t.resolve("asia/tokyo"))) {
            broken = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
        }
        for (Path p : broken) {
            Files.writeString(p, "not parquet any more");
        }
        DataFrame df = sw.readHudi(t.toString());
        long footers = counter(sw, "table.footersRead");
        assertEquals(1, df.filter(col("city").eq("nyc")).count());
        assertEquals(footers + 1, counter(sw, "table.footersRead"), "the one base file of us/nyc");
        assertEquals(all - tokyo, df.filter(col("region").neq("asia")).count());
        assertEquals(all - tokyo, df.filter(col("city").neq("tokyo").and(col("region").isNotNull())).count());
        HudiException e = assertThrows(HudiException.class, () -> df.filter(col("region").eq("asia")).rows());
        assertTrue(broken.stream().anyMatch(p -> e.getMessage().contains(p.getFileName().toString())), e.getMessage());
        assertThrows(HudiException.class, df::rows);
    }

    @Test
    void filtersAtEveryColumnsValuesPruneSoundly(Spillway sw) throws IOException {
        long skipped = counter(sw, "table.filesSkipped");
        for (String name : List.of("cow_part", "cow_overwrite", "cow_evolve", "cow_v6", "mor", "mor_v6")) {
            Path t = HudiGoldenTablesTest.GOLDEN.resolve(name);
            DataFrame df = HudiTable.forPath(sw, t).toDF();
            DataFrame collected = df.collect();
            List<Row> rows = collected.rows();
            for (String c : df.columns()) {
                List<Object> values = new ArrayList<>();
                for (Row r : rows) {
                    if (r.get(c) instanceof Comparable<?> v && !values.contains(v)) {
                        values.add(v);
                    }
                }
                if (values.isEmpty()) {
                    continue;
                }
                values.sort(null);
                List<Expr> filters = new ArrayList<>(List.of(col(c).isNull(), col(c).isNotNull()));
                for (int k : new TreeSet<>(List.of(0, values.size() / 2, values.size() - 1))) {
                    Object v = values.get(k);
                    filters.addAll(List.of(col(c).eq(v), col(c).lt(v), col(c).gt(v), col(c).neq(v)));
                }
                for (Expr p : filters) {
                    assertEquals(HudiGoldenTablesTest.render(collected.filter(p)), HudiGoldenTablesTest.render(df.filter(p)), name + ": " + p);
                }
            }
        }
        assertTrue(counter(sw, "table.filesSkipped") > skipped, "no base file skipped by its partition");
    }
}
