package org.spillway.frame.io.parquet;

import static org.spillway.frame.Functions.col;

import java.nio.file.Path;
import java.util.Map;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.ParquetWriteOptions;

/**
 * Run in a child JVM by {@link BloomNoUnsafeTest}: exercises every bloom filter and dictionary path
 * (pruning a DuckDB-written file by its bloom filters, writing filters, pruning Spillway's own files
 * by filters and by dictionaries) and prints the row groups each skipped. With the argument
 * {@code parquet-column} it first hashes through parquet-column, so the test can see that its check
 * notices the shaded hashing.
 */
final class BloomPathsMain {
    private BloomPathsMain() {
    }

    public static void main(String[] args) {
        Path duck = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        if (args.length > 2 && args[2].equals("parquet-column")) {
            System.out.println("parquet-column hash " + new BlockSplitBloomFilter(32).hash(42L));
        }
        try (Spillway sw = Spillway.builder().memoryLimit("128m").spillDir(dir.resolve("spill")).progress(false).parallelism(1).build()) {
            DataFrame d = sw.readParquet(duck.toString());
            long found = d.filter(col("country").eq("DE")).count() + d.filter(col("k").eq(501L)).count()
                    + d.filter(col("x").eq(0.75)).count();
            long duckBloom = sw.counters().getOrDefault("parquet.rowGroupsSkippedByBloom", 0L);

            ParquetWriteOptions bloom = ParquetWriteOptions.defaults().withBloomFilter("i", "l", "d", "s", "dt").withRowGroupRows(2000);
            Path written = dir.resolve("bloom.parquet");
            ParquetWriteTestSupport.frame(sw, 6000, 7).writeParquet(written, bloom.withDictionary(false));
            DataFrame w = sw.readParquet(written.toString());
            found += w.filter(col("i").eq(600)).count() + w.filter(col("s").eq("absent")).count() + w.filter(col("d").eq(0.5)).count();
            long ownBloom = sw.counters().getOrDefault("parquet.rowGroupsSkippedByBloom", 0L) - duckBloom;

            Path plain = dir.resolve("dictionary.parquet");
            ParquetWriteTestSupport.frame(sw, 6000, 7).writeParquet(plain, ParquetWriteOptions.defaults().withRowGroupRows(2000));
            found += sw.readParquet(plain.toString()).filter(col("i").eq(600).or(col("cat").eq("nope"))).count();
            Map<String, Long> c = sw.counters();
            System.out.println("found=" + found + " duckBloom=" + duckBloom + " ownBloom=" + ownBloom
                    + " dictionary=" + c.getOrDefault("parquet.rowGroupsSkippedByDictionary", 0L));
        }
    }
}
