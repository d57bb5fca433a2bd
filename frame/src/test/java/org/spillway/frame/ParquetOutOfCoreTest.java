package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.on;
import static org.spillway.frame.Functions.sum;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.datasets.Events;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * A folder of Parquet files 8x the memory budget, under the out-of-core run's {@code -Xmx64m}:
 * a group by and a join straight from the files spill, stay within the budget, equal DuckDB's
 * answers over the same files, and leave no spill file behind.
 */
@Tag("outofcore")
@SpillwayTest(memoryLimit = "4m")
class ParquetOutOfCoreTest {
    @TempDir
    static Path dir;
    static Path lake;
    static long parquetBytes;
    static final long ROWS = 1_200_000;

    @BeforeAll
    static void generate() throws Exception {
        Path csv = Files.createDirectories(dir.resolve("csv"));
        Events.rows(ROWS).seed(5).writeCsv(csv, 4);
        lake = Files.createDirectories(dir.resolve("lake"));
        // uncompressed, so that the files themselves are 8x the budget (not only their decoded rows)
        DuckOracle.execute("COPY (SELECT * FROM read_csv('" + csv + "/events-*.csv')) TO '" + lake
                + "' (FORMAT parquet, PER_THREAD_OUTPUT, ROW_GROUP_SIZE 50000, COMPRESSION uncompressed)");
        try (Stream<Path> s = Files.walk(lake)) {
            parquetBytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void groupByAndJoinFromParquetSpillAndEqualDuckDb(SpillwaySessions sessions) throws Exception {
        Path spill = sessions.spillRoot();
        String src = "read_parquet('" + lake + "/*.parquet')";
        try (Spillway sw = sessions.open()) {
            assertTrue(parquetBytes > 8 * sw.memoryLimit(), "the files (" + parquetBytes + " bytes) must be 8x the budget");
            DataFrame events = sw.readParquet(lake.toString());
            DataFrame byUser = events.groupBy("user", "country").agg(count().as("n"), sum("quantity").as("q"));
            List<List<Object>> expected = DuckOracle.query("SELECT n, count(*), sum(q) FROM (SELECT user, country, count(*) AS n, "
                    + "sum(quantity) AS q FROM " + src + " GROUP BY ALL) GROUP BY n");
            DuckOracle.assertSameRows(expected, DuckOracle.rows(byUser.groupBy("n").agg(count(), sum("q")).collect()));

            DataFrame perUser = events.groupBy("user").agg(count().as("orders"));
            DataFrame joined = events.select("id", "user", "amount").join(perUser, on("user"), JoinType.INNER)
                    .groupBy("orders").agg(count(), sum("id"));
            List<List<Object>> expectedJoin = DuckOracle.query("SELECT orders, count(*), sum(id) FROM " + src
                    + " e JOIN (SELECT user, count(*) AS orders FROM " + src + " GROUP BY user) u USING (user) GROUP BY orders");
            DuckOracle.assertSameRows(expectedJoin, DuckOracle.rows(joined.collect()));

            assertTrue(sw.spilledBytes() > 0, sw.memoryReport());
            assertTrue(sw.budget().peak() <= sw.memoryLimit(), sw.memoryReport());
            assertTrue(sw.counters().getOrDefault("parquet.rowGroupsRead", 0L) > 0, sw.counters().toString());
        }
        try (Stream<Path> s = Files.walk(spill)) {
            assertFalse(s.anyMatch(Files::isRegularFile), "spill files left behind in " + spill);
        }
    }
}
