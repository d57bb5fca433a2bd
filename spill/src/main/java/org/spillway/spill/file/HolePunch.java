package org.spillway.spill.file;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Returns the disk space of dead spill blocks to the file system while their file stays open: Linux's
 * {@code fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length)} through the Foreign Function
 * API. Available on Linux when native access is enabled for Spillway ({@code --enable-native-access=ALL-UNNAMED},
 * which the launcher and the tests pass); elsewhere {@link #AVAILABLE} is false and dead blocks are reclaimed only
 * when their whole file is deleted. A file system that cannot punch holes (it answers {@code EOPNOTSUPP}) turns it
 * off for that file.
 */
final class HolePunch {
    /** True if holes can be punched here. */
    static final boolean AVAILABLE;
    private static final int O_WRONLY = 1;
    private static final int PUNCH_HOLE_KEEP_SIZE = 0x02 | 0x01;
    private static final MethodHandle OPEN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle FALLOCATE;

    static {
        MethodHandle open = null;
        MethodHandle close = null;
        MethodHandle fallocate = null;
        boolean ok = false;
        try {
            if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                    && HolePunch.class.getModule().isNativeAccessEnabled()) {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                open = linker.downcallHandle(libc.find("open").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
                close = linker.downcallHandle(libc.find("close").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
                fallocate = linker.downcallHandle(libc.find("fallocate").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_LONG));
                ok = true;
            }
        } catch (Throwable t) {
            ok = false; // no libc symbols, or native access refused: fall back to whole-file reclamation
        }
        OPEN = open;
        CLOSE = close;
        FALLOCATE = fallocate;
        AVAILABLE = ok;
    }

    private HolePunch() {
    }

    /** A descriptor of {@code path} open for writing, or -1. */
    static int open(Path path) {
        if (!AVAILABLE) {
            return -1;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = a.allocateFrom(path.toString());
            return (int) OPEN.invokeExact(name, O_WRONLY);
        } catch (Throwable t) {
            return -1;
        }
    }

    /** Punches {@code length} bytes at {@code offset} out of {@code fd}; true if the file system freed them. */
    static boolean punch(int fd, long offset, long length) {
        if (fd < 0 || length <= 0) {
            return false;
        }
        try {
            return (int) FALLOCATE.invokeExact(fd, PUNCH_HOLE_KEEP_SIZE, offset, length) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Closes a descriptor from {@link #open}. */
    static void close(int fd) {
        if (fd >= 0) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                // nothing to do
            }
        }
    }
}
