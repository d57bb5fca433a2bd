package org.spillway.spill.memory;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Optional;

/**
 * Makes glibc's {@code malloc} give freed chunk memory back to the operating system. Off-heap segments come from
 * {@code malloc}; glibc serves blocks of at least its mmap threshold (128 KiB at first) with their own {@code mmap},
 * which {@code free} unmaps, but it raises the threshold each time such a block is freed (up to 32 MiB), after which
 * the pool's slabs come from malloc's arenas, whose freed pages stay resident. Under a 1 GiB limit that held about
 * 150 MiB beside the budget's peak (q10 on 1e7 rows: peak RSS 1,375 MiB with the dynamic threshold, 1,228 MiB with a
 * fixed one). Setting {@code M_MMAP_THRESHOLD} fixes it at 128 KiB and turns the adjustment off, like the
 * {@code MALLOC_MMAP_THRESHOLD_=131072} environment variable.
 *
 * <p>It also caps malloc's arenas at {@link #ARENA_MAX} ({@code M_ARENA_MAX}, like {@code MALLOC_ARENA_MAX=2}). glibc
 * gives threads up to eight arenas per core, each of which keeps the pages of blocks freed in it for its own later
 * use; with the session's workers, spill and I/O threads each in an arena, memory freed by one thread and needed
 * by another was held once per arena (at 1e8 rows under 1 GiB: 14 arenas of about 60 MiB each, 400 MiB more than
 * the live memory). The pool's slabs are mappings of their own ({@link SegmentPool}), so what remains in the arenas
 * is mostly the JVM's own and native libraries' buffers. The cap applies to threads that first allocate after it is
 * set: arenas the JVM's startup threads made remain (a 1e8 run after the fix still showed seven).
 *
 * <p>Applied once per process by the first session ({@link #apply()}), on Linux with glibc and native access enabled
 * ({@code --enable-native-access=ALL-UNNAMED}, as {@code ./spillway} starts the JVM); elsewhere nothing is done.
 */
public final class MallocTuning {
    /** glibc's {@code M_MMAP_THRESHOLD} option of {@code mallopt}. */
    private static final int M_MMAP_THRESHOLD = -3;
    /** The threshold set: glibc's initial default. */
    public static final int MMAP_THRESHOLD = 128 << 10;
    /** glibc's {@code M_ARENA_MAX} option of {@code mallopt}. */
    private static final int M_ARENA_MAX = -8;
    /** The number of malloc arenas set (unless {@code MALLOC_ARENA_MAX} is in the environment). */
    public static final int ARENA_MAX = 2;
    private static volatile Boolean applied;

    private MallocTuning() {
    }

    /** Sets the fixed threshold (and the arena cap) once; true if {@code mallopt} accepted the threshold (now or before). */
    public static boolean apply() {
        Boolean a = applied;
        if (a != null) {
            return a;
        }
        synchronized (MallocTuning.class) {
            if (applied == null) {
                applied = set();
            }
            return applied;
        }
    }

    private static boolean set() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                || !MallocTuning.class.getModule().isNativeAccessEnabled()
                || System.getenv("MALLOC_MMAP_THRESHOLD_") != null) {
            return false; // not glibc's, native access refused, or the user chose a threshold
        }
        try {
            Linker linker = Linker.nativeLinker();
            Optional<java.lang.foreign.MemorySegment> mallopt = linker.defaultLookup().find("mallopt");
            if (mallopt.isEmpty()) {
                return false; // musl and others: no mallopt
            }
            MethodHandle h = linker.downcallHandle(mallopt.get(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            if (System.getenv("MALLOC_ARENA_MAX") == null) {
                int ignored = (int) h.invokeExact(M_ARENA_MAX, ARENA_MAX); // threads made from now on share these
            }
            return (int) h.invokeExact(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1;
        } catch (Throwable t) {
            return false;
        }
    }
}
