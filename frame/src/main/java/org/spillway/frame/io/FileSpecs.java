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
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What the readers share in turning what the user typed (a file, a directory or a glob) into a
 * sorted list of files: glob detection, the glob's fixed directory and its matcher (with {@code **}
 * matching no directory too), and sorted listing. Each format keeps its own rules (which files a
 * directory holds) and error messages. Sorting makes row order and error reports the same from run
 * to run.
 */
public final class FileSpecs {
    private FileSpecs() {
    }

    /**
     * A glob split at its last directory before the first wildcard.
     *
     * @param spec     the glob as typed
     * @param baseText the fixed directory prefix as typed, with its trailing slash ("" for none)
     * @param base     that directory (the working directory when {@code baseText} is empty)
     * @param deep     whether matches may lie below {@code base}'s own entries
     */
    public record Glob(String spec, String baseText, Path base, boolean deep, PathMatcher matcher, PathMatcher matcherNoDir) {
        /** True if {@code file} (as listed from {@link #base}) matches. */
        public boolean matches(Path file) {
            Path rel = baseText.isEmpty() ? file : base.relativize(file);
            return matcher.matches(rel) || (matcherNoDir != null && matcherNoDir.matches(rel));
        }
    }

    /**
     * The glob in {@code spec}, or null if it names a path: it holds no wildcard (<code>* ? [ &#123;</code>),
     * or a file or directory of exactly that name exists (so that {@code a[1].csv} is not a glob).
     */
    public static Glob glob(String spec) {
        int glob = firstGlobChar(spec);
        if (glob < 0 || exists(spec)) {
            return null;
        }
        int slash = Math.max(spec.lastIndexOf('/', glob), spec.lastIndexOf(java.io.File.separatorChar, glob));
        String baseText = slash < 0 ? "" : spec.substring(0, slash + 1);
        String pattern = spec.substring(slash + 1);
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        // Java's ** needs at least one directory before "/"; users expect it to match zero as well.
        PathMatcher m0 = pattern.contains("**/") ? FileSystems.getDefault().getPathMatcher("glob:" + pattern.replace("**/", "")) : null;
        boolean deep = pattern.indexOf('/') >= 0 || pattern.contains("**");
        return new Glob(spec, baseText, Path.of(baseText), deep, m, m0);
    }

    /**
     * The regular files in {@code dir} (below it when {@code deep}) that {@code keep} accepts, sorted
     * by path; an empty {@code dir} is the working directory, whose files are listed as {@code x.csv},
     * not {@code ./x.csv}.
     */
    public static List<Path> list(Path dir, boolean deep, Predicate<Path> keep) {
        boolean here = dir.toString().isEmpty();
        Path root = here ? Path.of(".") : dir;
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = deep ? Files.walk(root) : Files.list(root)) {
            s.forEach(f -> {
                Path g = here ? f.normalize() : f;
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

    /**
     * Deletes a file or a directory with everything below it (symbolic links are deleted, not
     * followed); nothing if it does not exist.
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
                Files.delete(f);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }

    /** The working directory, for error messages. */
    public static String cwd() {
        return Path.of("").toAbsolutePath().toString();
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
}
