package org.spillway.frame.delta;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;

/**
 * The canonical text of the golden tables' expected rows (src/test/resources/delta-golden/README.md), shared by
 * the generator (Spark's rows, profile {@code delta-golden}) and {@link DeltaGoldenTablesTest} (Spillway's rows).
 *
 * <p>A file is JSON lines: the first line the array of column names, then one array per row, sorted as text.
 * Every value is a JSON string or JSON null (so a null is never an empty string): integers of every width in
 * decimal; float and double as {@link Double#toString} of the value as a double (a float widened exactly);
 * decimals plain ({@link BigDecimal#toPlainString}, at the column's scale); booleans {@code true}/{@code false};
 * dates ISO ({@code 2024-02-29}); timestamps ISO-8601 UTC with six fraction digits
 * ({@code 2024-01-31T12:34:56.123456Z}); timestamp_ntz the same without the zone; times {@code 12:34:56.123456};
 * binary as {@code 0x} and lower-case hex.
 */
public final class GoldenRows {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter NTZ = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

    private GoldenRows() {
    }

    /** The canonical text of one value (null stays null). */
    public static String text(Object v) {
        return switch (v) {
            case null -> null;
            case Float f -> Double.toString(f.doubleValue());
            case Double d -> Double.toString(d);
            case Byte b -> Long.toString(b);
            case Short s -> Long.toString(s);
            case Integer i -> Long.toString(i);
            case Long l -> Long.toString(l);
            case BigDecimal d -> d.toPlainString();
            case Boolean b -> b.toString();
            case String s -> s;
            case LocalDate d -> d.toString();
            case Instant t -> TS.format(t);
            case LocalDateTime t -> NTZ.format(t);
            case LocalTime t -> TIME.format(t);
            case byte[] b -> "0x" + HexFormat.of().formatHex(b);
            default -> throw new IllegalArgumentException("no canonical text for " + v.getClass().getName() + ": " + v);
        };
    }

    /** One row as a line: the JSON array of its values' canonical text. */
    public static String line(List<?> values) {
        List<String> t = new ArrayList<>(values.size());
        for (Object v : values) {
            t.add(text(v));
        }
        try {
            return JSON.writeValueAsString(t);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of a file: the column names, then the rows' lines, sorted. */
    public static List<String> lines(List<String> columns, List<? extends List<?>> rows) {
        List<String> body = new ArrayList<>(rows.size());
        for (List<?> r : rows) {
            body.add(line(r));
        }
        body.sort(null);
        List<String> out = new ArrayList<>(body.size() + 1);
        try {
            out.add(JSON.writeValueAsString(columns));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.addAll(body);
        return out;
    }

    /** A Spillway frame's rows (collected) as the lines of a file. */
    public static List<String> lines(DataFrame df) {
        List<List<Object>> rows = new ArrayList<>();
        for (Row r : df.collect().rows()) {
            rows.add(r.values());
        }
        return lines(df.schema().names(), rows);
    }

    /** The column names of a file's lines. */
    public static List<String> columns(List<String> lines) {
        try {
            return JSON.readValue(lines.getFirst(), new TypeReference<List<String>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file's lines. */
    public static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes lines as a file (UTF-8, each line ended by a newline). */
    public static void write(Path file, List<String> lines) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
