package org.spillway.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.spill.DataType;

class EventsTest {
    private static final String HEADER = "id,user,country,category,amount,quantity,ts,returned";
    private static final Pattern AMOUNT = Pattern.compile("\\d{1,3}\\.\\d\\d");
    private static final Pattern USER = Pattern.compile("u[1-9]\\d*");
    private static final Set<String> CATEGORIES = Set.of("books", "games", "garden", "toys", "music",
            "electronics", "fashion", "sports", "beauty", "grocery", "home", "auto");

    @TempDir
    Path tmp;

    private static List<String> body(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        assertEquals(HEADER, lines.getFirst(), "header of " + file);
        return lines.subList(1, lines.size());
    }

    @Test
    void schemaDescribesTheHeader() {
        assertEquals(List.of(HEADER.split(",")), Events.columnNames());
        Map<String, String> types = Events.columnTypes();
        assertEquals(Events.columnNames(), List.copyOf(types.keySet()));
        assertEquals(List.of("int64", "string", "string", "string", "float64", "int32", "timestamp", "bool"),
                List.copyOf(types.values()));
        for (String t : types.values()) {
            assertEquals(t, DataType.parse(t).displayName());
        }
    }

    @Test
    void sameSeedGivesSameBytesAndOtherSeedsDiffer() throws IOException {
        Path a = tmp.resolve("a.csv");
        Path b = tmp.resolve("b.csv");
        Path c = tmp.resolve("c.csv");
        long bytes = Events.rows(20_000).writeCsv(a);
        Events.rows(20_000).seed(42).writeCsv(b);
        Events.rows(20_000).seed(43).writeCsv(c);
        assertEquals(Files.size(a), bytes);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
        assertEquals(42, Events.rows(1).seed());
        assertEquals(7, Events.rows(1).seed(7).seed());
        assertEquals(1, Events.rows(1).rows());
    }

    @Test
    void splittingIntoFilesKeepsTheRowsAndTheirOrder() throws IOException {
        long n = 10_001;
        Path one = Files.createDirectories(tmp.resolve("one"));
        Path three = Files.createDirectories(tmp.resolve("three"));
        long bytes1 = Events.rows(n).seed(5).writeCsv(one, 1);
        long bytes3 = Events.rows(n).seed(5).writeCsv(three, 3);
        assertEquals(List.of("events-000.csv"), list(one));
        assertEquals(List.of("events-000.csv", "events-001.csv", "events-002.csv"), list(three));
        assertEquals(Files.size(one.resolve("events-000.csv")), bytes1);
        assertEquals(bytes1 + 2L * (HEADER.length() + 1), bytes3);

        List<String> single = body(one.resolve("events-000.csv"));
        List<String> concatenated = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (String name : list(three)) {
            List<String> part = body(three.resolve(name));
            sizes.add(part.size());
            concatenated.addAll(part);
        }
        assertEquals(List.of(3334, 3334, 3333), sizes, "rows split as evenly as possible");
        assertEquals(single, concatenated);
        for (int i = 0; i < concatenated.size(); i++) {
            assertEquals(Long.toString(i + 1), concatenated.get(i).substring(0, concatenated.get(i).indexOf(',')));
        }
        // the single-file writer gives the same bytes as one file of a directory
        long bytesFile = Events.rows(n).seed(5).writeCsv(tmp.resolve("single.csv"));
        assertEquals(bytes1, bytesFile);
        assertArrayEquals(Files.readAllBytes(one.resolve("events-000.csv")), Files.readAllBytes(tmp.resolve("single.csv")));
    }

    @Test
    void moreFilesThanRows() throws IOException {
        Path dir = tmp.resolve("many"); // created by writeCsv
        Events.rows(3).writeCsv(dir, 5);
        List<String> names = list(dir);
        assertEquals(5, names.size());
        List<String> all = new ArrayList<>();
        for (String name : names) {
            all.addAll(body(dir.resolve(name)));
        }
        assertEquals(3, all.size());
        assertTrue(all.get(2).startsWith("3,"));
        assertEquals(0, Events.rows(0).writeCsv(tmp.resolve("empty.csv")) - (HEADER.length() + 1));
    }

    @Test
    void valuesFollowTheSpecification() throws IOException {
        int n = 200_000;
        Path file = tmp.resolve("events.csv");
        Events.rows(n).writeCsv(file);
        List<String> rows = body(file);
        assertEquals(n, rows.size());
        int nullAmounts = 0;
        int returned = 0;
        int hot = 0;
        Map<String, Integer> countries = new HashMap<>();
        Instant start = Instant.parse("2024-01-01T00:00:00Z");
        Instant end = Instant.parse("2025-01-01T00:00:00Z");
        Instant latest = start;
        for (int i = 0; i < n; i++) {
            String row = rows.get(i);
            String[] f = row.split(",", -1);
            assertEquals(8, f.length, row);
            assertEquals(i + 1, Long.parseLong(f[0]));
            assertTrue(USER.matcher(f[1]).matches(), row);
            if (Integer.parseInt(f[1].substring(1)) <= 10) {
                hot++;
            }
            assertEquals(2, f[2].length(), row);
            countries.merge(f[2], 1, Integer::sum);
            assertTrue(CATEGORIES.contains(f[3]), row);
            if (f[4].isEmpty()) {
                nullAmounts++;
            } else {
                assertTrue(AMOUNT.matcher(f[4]).matches(), row);
                double amount = Double.parseDouble(f[4]);
                assertTrue(amount >= 0 && amount < 200, row);
            }
            int quantity = Integer.parseInt(f[5]);
            assertTrue(quantity >= 1 && quantity <= 10, row);
            assertTrue(f[6].matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), row);
            Instant ts = Instant.parse(f[6]);
            assertFalse(ts.isBefore(start), row);
            assertTrue(ts.isBefore(end), row);
            assertFalse(ts.isBefore(latest.minusSeconds(60)), "ts increases up to a minute of jitter: " + row);
            if (ts.isAfter(latest)) {
                latest = ts;
            }
            assertTrue(f[7].equals("true") || f[7].equals("false"), row);
            if (f[7].equals("true")) {
                returned++;
            }
        }
        double nullShare = (double) nullAmounts / n;
        double returnedShare = (double) returned / n;
        double hotShare = (double) hot / n;
        assertTrue(nullShare > 0.017 && nullShare < 0.023, "null amounts " + nullShare);
        assertTrue(returnedShare > 0.045 && returnedShare < 0.055, "returned " + returnedShare);
        assertTrue(hotShare > 0.18 && hotShare < 0.22, "hot users " + hotShare);
        assertTrue(latest.isAfter(Instant.parse("2024-12-31T00:00:00Z")), "spread over the year: " + latest);
        assertEquals(20, countries.size(), countries.toString());
        assertTrue(countries.get("US") > countries.get("DE") && countries.get("DE") > countries.get("BE"), countries.toString());
    }

    @Test
    void fileNamesSortInRowOrder() {
        assertEquals("events-000.csv", Events.fileName(0, 1));
        assertEquals("events-042.csv", Events.fileName(42, 100));
        assertEquals("events-0042.csv", Events.fileName(42, 1001));
        assertThrows(IllegalArgumentException.class, () -> Events.fileName(3, 3));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Events.rows(-1));
        assertThrows(IllegalArgumentException.class, () -> Events.rows(1).writeCsv(tmp, 0));
    }

    @Test
    void generatesAtLeastAMillionRowsPerSecondPerThread() throws IOException {
        Path file = tmp.resolve("speed.csv");
        Events events = Events.rows(2_000_000);
        events.writeCsv(file); // warm-up
        long t0 = System.nanoTime();
        events.writeCsv(file);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rate = 2_000_000 / seconds;
        System.out.printf("events: %.2f M rows/s on one thread%n", rate / 1e6);
        // a loose bound so that a loaded CI machine does not fail the build
        assertTrue(rate > 250_000, "rows/s " + rate);
    }

    private static List<String> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
