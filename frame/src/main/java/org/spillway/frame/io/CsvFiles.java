package org.spillway.frame.io;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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
        FileSpecs.Glob glob = FileSpecs.glob(spec);
        if (glob == null) {
            Path p;
            try {
                p = Path.of(spec);
            } catch (InvalidPathException e) {
                throw new SpillwayException("Not a valid path: '" + spec + "' (" + e.getMessage() + ")");
            }
            if (Files.isDirectory(p)) {
                List<Path> out = FileSpecs.list(p, false, f -> {
                    String name = f.getFileName().toString();
                    return !name.startsWith(".") && name.toLowerCase(Locale.ROOT).endsWith(".csv");
                });
                if (out.isEmpty()) {
                    throw new SpillwayException("The directory '" + spec + "' holds no .csv files (working directory: "
                            + FileSpecs.cwd() + "); to read files with another extension use a glob such as '"
                            + p.resolve("*.txt") + "'");
                }
                return out;
            }
            if (Files.isRegularFile(p)) {
                return List.of(p);
            }
            throw new SpillwayException("No such file: '" + spec + "' (working directory: " + FileSpecs.cwd()
                    + "); check the path, or use a glob such as data/*.csv");
        }
        if (!glob.baseText().isEmpty() && !Files.isDirectory(glob.base())) {
            throw new SpillwayException("No file matches '" + spec + "': the directory '" + glob.baseText()
                    + "' does not exist (working directory: " + FileSpecs.cwd() + ")");
        }
        List<Path> out = FileSpecs.list(glob.base(), glob.deep(), glob::matches);
        if (out.isEmpty()) {
            throw new SpillwayException("No file matches '" + spec + "' (working directory: " + FileSpecs.cwd()
                    + "); check the pattern: '*' stays within a directory, '**' crosses directories");
        }
        return out;
    }
}
