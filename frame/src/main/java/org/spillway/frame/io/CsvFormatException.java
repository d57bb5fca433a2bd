package org.spillway.frame.io;

import java.nio.file.Path;
import org.spillway.frame.SpillwayException;

/**
 * A CSV file that cannot be read as asked: a value that does not parse as its column's type, a row
 * with the wrong number of fields, a quote that is never closed, or files that disagree on their
 * columns. The message says where (file, 1-based physical line, column name and position) and
 * what to do; the parts are also available one by one for tools.
 */
public class CsvFormatException extends SpillwayException {
    /** The file; transient because {@link Path} is not serializable (the message keeps its name). */
    private final transient Path file;
    /** The 1-based line, 0 for the whole file. */
    private final long line;
    /** The column name, or null. */
    private final String column;
    /** The offending text, or null. */
    private final String value;
    /** The 0-based byte offset in the file, or -1. */
    private final long byteOffset;

    /**
     * Creates the error.
     *
     * @param file the file, as the user named it (or as the glob found it)
     * @param line the 1-based physical line, or 0 when the error is about the file as a whole
     * @param column the column name, or null when the error is about a whole row
     * @param value the offending text (possibly shortened), or null
     * @param message the full message
     */
    public CsvFormatException(Path file, long line, String column, String value, String message) {
        this(file, line, column, value, -1, message);
    }

    /**
     * Creates the error with the byte offset of the problem in the file.
     *
     * @param file the file, as the user named it (or as the glob found it)
     * @param line the 1-based physical line, or 0 when the error is about the file as a whole
     * @param column the column name, or null when the error is about a whole row
     * @param value the offending text (possibly shortened), or null
     * @param byteOffset the 0-based offset in the file of the first offending byte, or -1 when not known
     * @param message the full message
     */
    public CsvFormatException(Path file, long line, String column, String value, long byteOffset, String message) {
        super(message);
        this.file = file;
        this.line = line;
        this.column = column;
        this.value = value;
        this.byteOffset = byteOffset;
    }

    /** The file that holds the problem. */
    public Path file() {
        return file;
    }

    /** The 1-based physical line (counting the header and blank lines), or 0 for a whole-file problem. */
    public long line() {
        return line;
    }

    /** The name of the column whose value is bad, or null for a problem with a whole row. */
    public String column() {
        return column;
    }

    /** The offending text (shortened to 100 characters), or null. */
    public String value() {
        return value;
    }

    /** The 0-based offset in the file of the first offending byte (ill-formed UTF-8), or -1 when not known. */
    public long byteOffset() {
        return byteOffset;
    }

    /** "1st", "2nd", "3rd", "4th", ..., "11th", "21st", ... */
    static String ordinal(int n) {
        int mod100 = n % 100;
        String suffix;
        if (mod100 >= 11 && mod100 <= 13) {
            suffix = "th";
        } else {
            suffix = switch (n % 10) {
                case 1 -> "st";
                case 2 -> "nd";
                case 3 -> "rd";
                default -> "th";
            };
        }
        return n + suffix;
    }

    /** Shortens text for a message, so that one huge field does not flood a log. */
    static String shorten(String s) {
        return s.length() <= 100 ? s : s.substring(0, 97) + "...";
    }
}
