package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.spillway.frame.io.ParquetFormatException;

/**
 * Every file of a full apache/parquet-testing checkout, when one is on this machine (set
 * {@code PARQUET_TESTING_DATA}, default {@code /work/parquet-testing/data}): each either decodes
 * exactly as DuckDB reads it, or fails with a {@link ParquetFormatException} (never another
 * exception). Skipped when the checkout is absent.
 */
class ParquetTestingAllFilesTest {
    @TestFactory
    Stream<DynamicTest> everyFileDecodesOrFailsClearly() throws IOException {
        Path data = Path.of(System.getenv().getOrDefault("PARQUET_TESTING_DATA", "/work/parquet-testing/data"));
        assumeTrue(Files.isDirectory(data), "no parquet-testing checkout at " + data);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(data)) {
            // int96_from_spark: DuckDB overflows where Spark (and Spillway) do not; ParquetTestingFilesTest checks it
            s.filter(p -> p.toString().endsWith(".parquet")
                    && !p.getFileName().toString().equals("int96_from_spark.parquet")).sorted().forEach(files::add);
        }
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            ParquetSource src;
            try {
                src = ParquetSource.open(p.toString());
            } catch (ParquetFormatException e) {
                System.out.println("parquet-testing " + p.getFileName() + ": " + e.getMessage());
                return; // a clear error
            }
            try {
                ParquetTestSupport.read(src, 1000);
            } catch (ParquetFormatException e) {
                System.out.println("parquet-testing " + p.getFileName() + ": " + e.getMessage());
                return;
            }
            boolean duckReads;
            try {
                ParquetTestSupport.duck("SELECT count(*) FROM read_parquet(" + ParquetTestSupport.sqlPath(p) + ")");
                duckReads = true;
            } catch (AssertionError e) {
                duckReads = false;
            }
            if (duckReads && p.getFileName().toString().equals("byte_stream_split_extended.gzip.parquet")) {
                ParquetTestSupport.assertSameAsDuckDbExcept(p, 1000,
                        java.util.Map.of("flba5_byte_stream_split", "flba5_plain", "decimal_byte_stream_split", "decimal_plain"));
            } else if (duckReads) {
                ParquetTestSupport.assertSameAsDuckDb(p, 1000);
            }
        }));
    }
}
