package org.spillway.frame.io.parquet;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.spillway.frame.io.FileSpecs;
import org.spillway.frame.io.ParquetFormatException;

/** Resolves a file, directory or glob to the Parquet files to read, and the root their partitions hang from. */
final class ParquetFiles {
    /**
     * The files and the directory below which {@code key=value} directories are partitions (null for one file).
     *
     * @param files the files, sorted by path
     * @param root  the directory the partition directories hang from, or null
     */
    record Resolved(List<Path> files, Path root) {
    }

    private ParquetFiles() {
    }

    static Resolved resolve(String spec) {
        if (spec == null || spec.isEmpty()) {
            throw new ParquetFormatException("No Parquet path given: pass a file, a directory or a glob such as data/*.parquet");
        }
        FileSpecs.Glob glob = FileSpecs.glob(spec);
        if (glob == null) {
            Path p;
            try {
                p = Path.of(spec);
            } catch (InvalidPathException e) {
                throw new ParquetFormatException("Not a valid path: '" + spec + "' (" + e.getMessage() + ")");
            }
            if (Files.isDirectory(p)) {
                List<Path> out = FileSpecs.list(p, true, f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet")
                        && isData(p.relativize(f)));
                if (out.isEmpty()) {
                    throw new ParquetFormatException("The directory '" + spec + "' holds no .parquet files (working directory: "
                            + FileSpecs.cwd() + "); to read files with another extension use a glob such as '" + p.resolve("*.parq") + "'");
                }
                return new Resolved(out, p);
            }
            if (Files.isRegularFile(p)) {
                return new Resolved(List.of(p), null);
            }
            throw new ParquetFormatException("No such file or directory: '" + spec + "' (working directory: " + FileSpecs.cwd() + ")");
        }
        if (!glob.baseText().isEmpty() && !Files.isDirectory(glob.base())) {
            throw new ParquetFormatException("No such file or directory: '" + glob.baseText() + "' (in the glob '" + spec
                    + "', working directory: " + FileSpecs.cwd() + ")");
        }
        Path root = glob.baseText().isEmpty() ? Path.of("") : glob.base();
        List<Path> out = FileSpecs.list(glob.base(), glob.deep(),
                f -> glob.matches(f) && isData(glob.baseText().isEmpty() ? f : glob.base().relativize(f)));
        if (out.isEmpty()) {
            throw new ParquetFormatException("No such file or directory: no file matches '" + spec + "' (working directory: "
                    + FileSpecs.cwd() + "); '*' stays within a directory, '**' crosses directories");
        }
        return new Resolved(out, root);
    }

    /** False if a directory or file on the relative path {@code rel} is hidden or metadata (see {@link #skipped}). */
    private static boolean isData(Path rel) {
        for (Path part : rel) {
            if (skipped(part.toString())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Hidden or metadata names that are never data: {@code .crc}, {@code _SUCCESS}, {@code _delta_log}.
     * A {@code _key=value} partition directory is data (as Spark decides).
     */
    static boolean skipped(String name) {
        return name.startsWith(".") || (name.startsWith("_") && !name.contains("="));
    }
}
