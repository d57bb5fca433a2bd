package org.spillway.frame.delta;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.spillway.frame.Spillway;

/**
 * The second process of {@link DeltaTwoJvmConcurrencyTest}: for round after round, waits for the
 * round's operation ({@code rN.op}: the table and a {@link DeltaRaces.Op}), runs it, and stops just
 * before publishing its commit: announces {@code rN.ready}, waits for the parent's {@code rN.go}
 * (holding a delay in microseconds to wait further), then publishes, and reports {@code rN.result}
 * ({@code ok VERSION}, or {@code fail CLASS MESSAGE}). Stops at {@code stop}, or when no round comes
 * for two minutes.
 */
public final class DeltaRaceChild {
    private static volatile Path table;
    private static volatile Path go;
    private static volatile Path ready;
    private static volatile long version;

    private DeltaRaceChild() {
    }

    /** {@code args}: the working directory shared with the parent. */
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        DeltaLog.beforePublish = (log, v, tmp) -> {
            if (!log.table.equals(table)) {
                return;
            }
            boolean first = version < 0;
            version = v;
            if (first) {
                signal(ready, "");
                long delay = Long.parseLong(await(go, TimeUnit.SECONDS.toNanos(60)).trim());
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(delay));
            }
        };
        try (Spillway sw = Spillway.builder().memoryLimit("64m").parallelism(1).build()) {
            for (int round = 0; ; round++) {
                String op = awaitOp(work, round);
                if (op == null) {
                    return;
                }
                String[] w = op.split("\n");
                go = work.resolve("r" + round + ".go");
                ready = work.resolve("r" + round + ".ready");
                version = -1;
                table = Path.of(w[0]).toAbsolutePath().normalize();
                String result;
                try {
                    DeltaRaces.run(sw, table, DeltaRaces.Op.parse(w[1]));
                    result = "ok " + version;
                } catch (Throwable e) {
                    result = "fail " + e.getClass().getName() + " " + String.valueOf(e.getMessage()).replace('\n', ' ');
                }
                signal(work.resolve("r" + round + ".result"), result);
            }
        }
    }

    /** The operation of {@code round}, or null when the parent says stop (or is gone). */
    private static String awaitOp(Path work, int round) throws IOException {
        Path op = work.resolve("r" + round + ".op");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!Files.exists(op)) {
            if (Files.exists(work.resolve("stop")) || System.nanoTime() > deadline) {
                return null;
            }
            LockSupport.parkNanos(100_000);
        }
        return Files.readString(op, StandardCharsets.UTF_8);
    }

    /** Waits for {@code file} (at most {@code nanos}) and returns its text. */
    static String await(Path file, long nanos) throws IOException {
        long deadline = System.nanoTime() + nanos;
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("no " + file + " within " + TimeUnit.NANOSECONDS.toSeconds(nanos) + " s");
            }
            LockSupport.parkNanos(50_000);
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** Writes {@code file} whole or not at all (a temporary file renamed into place). */
    static void signal(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
