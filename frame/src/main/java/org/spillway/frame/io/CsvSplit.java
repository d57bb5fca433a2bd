package org.spillway.frame.io;

import java.nio.file.Path;

/**
 * A byte range of one CSV file that one worker parses on its own: it starts at the first byte of a
 * row (right after a {@code \n}, or right after the header for the first split of a file) and
 * ends right after a {@code \n} or at the end of the file. Made by {@link CsvSource#splits()}.
 *
 * @param fileIndex the file's position in {@link CsvSource#files()}
 * @param path the file
 * @param start the first byte (inclusive)
 * @param end the last byte (exclusive)
 * @param isFirstOfFile true for the split that starts where the file's data starts
 */
public record CsvSplit(int fileIndex, Path path, long start, long end, boolean isFirstOfFile) {
    /** The split's size in bytes. */
    public long length() {
        return end - start;
    }

    @Override
    public String toString() {
        return path + "[" + start + ", " + end + ")";
    }
}
