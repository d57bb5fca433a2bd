package org.spillway.frame.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;

/** Helpers shared by the CSV tests: write a file, read a source back as Java objects. */
final class CsvTestSupport {
    private CsvTestSupport() {
    }

    static Path write(Path dir, String name, String content) {
        return writeBytes(dir, name, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path writeBytes(Path dir, String name, byte[] content) {
        try {
            Path p = dir.resolve(name);
            Files.createDirectories(p.getParent());
            Files.write(p, content);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All rows of all splits, every column, in split order. */
    static List<List<Object>> readAll(CsvSource src) {
        int[] all = new int[src.schema().size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return read(src, all, 1000);
    }

    /** All rows of the projection, in split order, with chunks of {@code chunkRows}. */
    static List<List<Object>> read(CsvSource src, int[] projection, int chunkRows) {
        List<List<Object>> rows = new ArrayList<>();
        try (MemoryBudget budget = new MemoryBudget(512L << 20)) {
            CsvSplitParser p = src.newParser(projection, chunkRows, budget);
            for (CsvSplit s : src.splits()) {
                p.parse(s, c -> {
                    try (c) {
                        if (c.rows() > chunkRows) {
                            throw new AssertionError("chunk of " + c.rows() + " rows > " + chunkRows);
                        }
                        for (int r = 0; r < c.rows(); r++) {
                            Object[] row = new Object[c.columnCount()];
                            for (int k = 0; k < row.length; k++) {
                                row[k] = c.column(k).getObject(r);
                            }
                            rows.add(Arrays.asList(row));
                        }
                    }
                });
            }
        }
        return rows;
    }

    /** Rows counted through a zero-column projection. */
    static long count(CsvSource src, int chunkRows) {
        long[] n = {0};
        try (MemoryBudget budget = new MemoryBudget(64L << 20)) {
            CsvSplitParser p = src.newParser(new int[0], chunkRows, budget);
            for (CsvSplit s : src.splits()) {
                p.parse(s, (Chunk c) -> {
                    try (c) {
                        n[0] += c.rows();
                    }
                });
            }
        }
        return n[0];
    }

    static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }
}
