package org.spillway.frame.io;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.SpillwayException;

/**
 * The CSV reader fuzzed: seeded mutations of a valid file (truncation, bit flips, stray quotes, invalid UTF-8, a huge
 * line, deleted and doubled bytes, NULs, CR-only line ends) each end in a result or a {@link SpillwayException} naming
 * the file, never a hang, another exception, or an {@link Error}. A failing case prints its seed; replay one with
 * {@code -Dcsv.fuzz.seed=N}.
 */
class CsvFuzzTest {
    static final int CASES = 240;
    private static byte[] valid;

    @TempDir
    Path dir;

    static long[] seeds() {
        Long one = Long.getLong("csv.fuzz.seed");
        if (one != null) {
            return new long[] {one};
        }
        long base = Long.getLong("csv.fuzz.base", 20261207L);
        long[] out = new long[CASES];
        for (int i = 0; i < CASES; i++) {
            out[i] = base + i;
        }
        return out;
    }

    private static synchronized byte[] valid(Path dir) throws Exception {
        if (valid == null) {
            Path f = dir.resolve("valid.csv");
            org.spillway.datasets.Events.rows(3_000).writeCsv(f);
            valid = Files.readAllBytes(f);
        }
        return valid;
    }

    /** One seeded mutation of {@code in}. */
    static byte[] mutate(byte[] in, SplittableRandom rnd) {
        byte[] b = in.clone();
        int kind = rnd.nextInt(10);
        int at = rnd.nextInt(b.length);
        switch (kind) {
            case 0 -> b = Arrays.copyOf(b, at); // truncated anywhere (mid-value, mid-quote)
            case 1 -> { // bit flips
                for (int i = 0, n = 1 + rnd.nextInt(20); i < n; i++) {
                    int p = rnd.nextInt(b.length);
                    b[p] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 2 -> { // stray quotes
                for (int i = 0, n = 1 + rnd.nextInt(5); i < n; i++) {
                    b[rnd.nextInt(b.length)] = '"';
                }
            }
            case 3 -> { // invalid UTF-8: lone continuation bytes, a truncated sequence, overlong forms
                byte[][] bad = {{(byte) 0x80}, {(byte) 0xC3}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xFF}};
                b = insert(b, at, bad[rnd.nextInt(bad.length)]);
            }
            case 4 -> { // a huge line: 3 MB without a line break
                byte[] huge = new byte[3 << 20];
                Arrays.fill(huge, (byte) ('a' + rnd.nextInt(26)));
                b = insert(b, at, huge);
            }
            case 5 -> { // bytes deleted
                int n = Math.min(b.length - at, 1 + rnd.nextInt(200));
                byte[] out = new byte[b.length - n];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + n, out, at, b.length - at - n);
                b = out;
            }
            case 6 -> b = insert(b, at, Arrays.copyOfRange(b, at, Math.min(b.length, at + 1 + rnd.nextInt(300)))); // doubled
            case 7 -> b[at] = 0; // a NUL
            case 8 -> { // CR-only line ends from here on
                for (int i = at; i < b.length; i++) {
                    if (b[i] == '\n') {
                        b[i] = '\r';
                    }
                }
            }
            default -> { // an extra delimiter, or a line with a missing field
                b = rnd.nextBoolean() ? insert(b, at, new byte[] {','}) : insert(b, at, "\n1,2\n".getBytes(StandardCharsets.UTF_8));
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aMutatedFileEndsInAResultOrAClearError(long seed) throws Exception {
        byte[] mutated = mutate(valid(dir), new SplittableRandom(seed));
        Path f = dir.resolve("fuzz-" + seed + ".csv");
        Files.write(f, mutated);
        String replay = "seed " + seed + " (replay with -Dcsv.fuzz.seed=" + seed + ")";
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (Spillway sw = Spillway.builder().memoryLimit("32m").spillDir(dir.resolve("spill").toString()).parallelism(2).build()) {
                DataFrame df = sw.readCsv(f.toString());
                long n = df.count();
                long m = df.collect().count();
                assertTrue(n >= 0 && m >= 0);
            } catch (SpillwayException e) {
                assertTrue(String.valueOf(e.getMessage()).contains(f.getFileName().toString()),
                        replay + ": the error does not name the file: " + e.getMessage());
                assertTrue(String.valueOf(e.getMessage()).contains("line"), replay + ": the error does not name the line: " + e.getMessage());
            } catch (RuntimeException | Error e) {
                fail(replay + ": " + e, e);
            }
        }, replay + " hangs");
    }
}
