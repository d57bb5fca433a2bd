package org.spillway.frame.io.parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;
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
        int glob = firstGlobChar(spec);
        if (glob >= 0 && exists(spec)) {
            glob = -1;
        }
        if (glob < 0) {
            Path p;
            try {
                p = Path.of(spec);
            } catch (InvalidPathException e) {
                throw new ParquetFormatException("Not a valid path: '" + spec + "' (" + e.getMessage() + ")");
            }
            if (Files.isDirectory(p)) {
                List<Path> out = list(p, true, p, f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet"));
                if (out.isEmpty()) {
                    throw new ParquetFormatException("The directory '" + spec + "' holds no .parquet files (working directory: "
                            + cwd() + "); to read files with another extension use a glob such as '" + p.resolve("*.parq") + "'");
                }
                return new Resolved(out, p);
            }
            if (Files.isRegularFile(p)) {
                return new Resolved(List.of(p), null);
            }
            throw new ParquetFormatException("No such file or directory: '" + spec + "' (working directory: " + cwd() + ")");
        }
        int slash = Math.max(spec.lastIndexOf('/', glob), spec.lastIndexOf(java.io.File.separatorChar, glob));
        String baseText = slash < 0 ? "" : spec.substring(0, slash + 1);
        String pattern = spec.substring(slash + 1);
        Path base = Path.of(baseText);
        if (!baseText.isEmpty() && !Files.isDirectory(base)) {
            throw new ParquetFormatException("No such file or directory: '" + baseText + "' (in the glob '" + spec
                    + "', working directory: " + cwd() + ")");
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        PathMatcher m0 = pattern.contains("**/") ? FileSystems.getDefault().getPathMatcher("glob:" + pattern.replace("**/", "")) : null;
        boolean deep = pattern.indexOf('/') >= 0 || pattern.contains("**");
        Path root = baseText.isEmpty() ? Path.of("") : base;
        List<Path> out = list(base, deep, root, f -> {
            Path rel = baseText.isEmpty() ? f : base.relativize(f);
            return m.matches(rel) || (m0 != null && m0.matches(rel));
        });
        if (out.isEmpty()) {
            throw new ParquetFormatException("No such file or directory: no file matches '" + spec + "' (working directory: "
                    + cwd() + "); '*' stays within a directory, '**' crosses directories");
        }
        return new Resolved(out, root);
    }

    /**
     * Hidden or metadata names that are never data: {@code .crc}, {@code _SUCCESS}, {@code _delta_log}.
     * A {@code _key=value} partition directory is data (as Spark decides).
     */
    static boolean skipped(String name) {
        return name.startsWith(".") || (name.startsWith("_") && !name.contains("="));
    }

    private static List<Path> list(Path dir, boolean deep, Path root, Predicate<Path> keep) {
        boolean here = dir.toString().isEmpty();
        Path start = here ? Path.of(".") : dir;
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = deep ? Files.walk(start) : Files.list(start)) {
            s.forEach(f -> {
                Path g = here ? f.normalize() : f;
                if (!Files.isRegularFile(g) || !keep.test(g)) {
                    return;
                }
                Path rel = here ? g : start.relativize(g);
                for (Path part : rel) {
                    if (skipped(part.toString())) {
                        return;
                    }
                }
                out.add(g);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list '" + start + "': " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(Path::toString));
        return out;
    }

    private static boolean exists(String spec) {
        try {
            return Files.exists(Path.of(spec));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static int firstGlobChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                return i;
            }
        }
        return -1;
    }

    private static String cwd() {
        return Path.of("").toAbsolutePath().toString();
    }
}
