package org.spillway.frame.io;

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
import org.spillway.frame.SpillwayException;

/**
 * Turns what the user typed (a file, a directory, or a glob) into a sorted list of files. Sorting
 * makes row order, split order and error reports the same from run to run.
 */
final class CsvFiles {
    private CsvFiles() {
    }

    /**
     * Resolves {@code spec}:
     * <ul>
     *   <li>a regular file: that file;</li>
     *   <li>a directory: its {@code *.csv} files (any case, not hidden, not recursive), by name;</li>
     *   <li>a glob ({@code *}, {@code ?}, {@code [} or <code>&#123;</code> in it): the files below the glob's
     *       fixed directory prefix whose path relative to that prefix matches, sorted by that path. {@code **} crosses
     *       directories, including none: {@code data/**}{@code /*.csv} also matches
     *       {@code data/a.csv}.</li>
     * </ul>
     */
    static List<Path> resolve(String spec) {
        if (spec == null || spec.isEmpty()) {
            throw new SpillwayException("No CSV path given: pass a file, a directory or a glob such as data/*.csv");
        }
        int glob = firstGlobChar(spec);
        // a name that exists as typed wins, so that a file called "a[1].csv" is not taken for a glob
        if (glob >= 0 && exists(spec)) {
            glob = -1;
        }
        if (glob < 0) {
            Path p;
            try {
                p = Path.of(spec);
            } catch (InvalidPathException e) {
                throw new SpillwayException("Not a valid path: '" + spec + "' (" + e.getMessage() + ")");
            }
            if (Files.isDirectory(p)) {
                List<Path> out = list(p, false, f -> {
                    String name = f.getFileName().toString();
                    return !name.startsWith(".") && name.toLowerCase(Locale.ROOT).endsWith(".csv");
                });
                if (out.isEmpty()) {
                    throw new SpillwayException("The directory '" + spec + "' holds no .csv files (working directory: "
                            + cwd() + "); to read files with another extension use a glob such as '"
                            + p.resolve("*.txt") + "'");
                }
                return out;
            }
            if (Files.isRegularFile(p)) {
                return List.of(p);
            }
            throw new SpillwayException("No such file: '" + spec + "' (working directory: " + cwd()
                    + "); check the path, or use a glob such as data/*.csv");
        }
        int slash = Math.max(spec.lastIndexOf('/', glob), spec.lastIndexOf(java.io.File.separatorChar, glob));
        String baseText = slash < 0 ? "" : spec.substring(0, slash + 1);
        String pattern = spec.substring(slash + 1);
        Path base = Path.of(baseText);
        if (!baseText.isEmpty() && !Files.isDirectory(base)) {
            throw new SpillwayException("No file matches '" + spec + "': the directory '" + baseText
                    + "' does not exist (working directory: " + cwd() + ")");
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        // Java's ** needs at least one directory before "/"; users expect it to match zero as well.
        PathMatcher m0 = pattern.contains("**/")
                ? FileSystems.getDefault().getPathMatcher("glob:" + pattern.replace("**/", ""))
                : null;
        boolean deep = pattern.indexOf('/') >= 0 || pattern.contains("**");
        List<Path> out = list(base, deep, f -> {
            Path rel = baseText.isEmpty() ? f : base.relativize(f);
            return m.matches(rel) || (m0 != null && m0.matches(rel));
        });
        if (out.isEmpty()) {
            throw new SpillwayException("No file matches '" + spec + "' (working directory: " + cwd()
                    + "); check the pattern: '*' stays within a directory, '**' crosses directories");
        }
        return out;
    }

    private static List<Path> list(Path dir, boolean deep, Predicate<Path> keep) {
        boolean here = dir.toString().isEmpty(); // a glob without a directory: the working directory
        Path root = here ? Path.of(".") : dir;
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = deep ? Files.walk(root) : Files.list(root)) {
            s.forEach(f -> {
                Path g = here ? f.normalize() : f; // "./x.csv" -> "x.csv", as the user would write it
                if (Files.isRegularFile(g) && keep.test(g)) {
                    out.add(g);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list '" + root + "': " + e.getMessage(), e);
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
