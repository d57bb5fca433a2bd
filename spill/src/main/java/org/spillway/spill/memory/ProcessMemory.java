package org.spillway.spill.memory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the operating system says about this process's memory: its resident set (RSS) now and at its
 * peak, the memory available to it (the machine's, or its cgroup's limit when lower), and the JVM's
 * maximum heap. Linux figures come from {@code /proc/self/status} ({@code VmRSS}, {@code VmHWM}); where
 * they cannot be read (another OS) the RSS methods return -1.
 *
 * <p>Cost: each call reads a small {@code /proc} file (a few microseconds); nothing is cached except the
 * maximum heap, which is fixed for the JVM's life.
 */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
    private static volatile long maxHeap;

    private ProcessMemory() {
    }

    /** The resident set size now, in bytes ({@code VmRSS}), or -1 where it cannot be read. */
    public static long rss() {
        return statusField("VmRSS:");
    }

    /**
     * The peak resident set size since the process started (or since {@link #resetPeakRss()}), in bytes
     * ({@code VmHWM}, the "high water mark"), or -1 where it cannot be read.
     */
    public static long peakRss() {
        return statusField("VmHWM:");
    }

    /**
     * Resets the peak RSS to the current RSS (Linux: writes {@code 5} to {@code /proc/self/clear_refs}), so
     * that {@link #peakRss()} then reports the peak of what runs next; the bench runners do this before each
     * timed run. Returns false where that is not possible (another OS, a kernel before 4.0, no permission).
     */
    public static boolean resetPeakRss() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * The JVM's maximum heap in bytes: the {@code -Xmx} in effect ({@code MaxHeapSize}, what the heap may
     * grow to), else {@link Runtime#maxMemory()}.
     */
    public static long maxHeap() {
        long h = maxHeap;
        if (h == 0) {
            h = Runtime.getRuntime().maxMemory();
            try {
                var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
                if (bean != null) {
                    h = Long.parseLong(bean.getVMOption("MaxHeapSize").getValue());
                }
            } catch (RuntimeException e) {
                // not HotSpot: Runtime.maxMemory() stands
            }
            maxHeap = h;
        }
        return h;
    }

    /**
     * Physical memory available to this process: the OS total, capped by a cgroup limit when lower
     * ({@code /sys/fs/cgroup/memory.max} for cgroup v2, {@code /sys/fs/cgroup/memory/memory.limit_in_bytes}
     * for v1); 4 GiB if neither can be read.
     */
    public static long available() {
        long total = Long.MAX_VALUE;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            total = os.getTotalMemorySize();
        }
        for (String f : new String[] {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
            try {
                String s = Files.readString(Path.of(f)).strip();
                if (!s.equals("max")) {
                    long v = Long.parseLong(s);
                    if (v > 0 && v < total) {
                        total = v;
                    }
                }
            } catch (IOException | NumberFormatException | SecurityException e) {
                // no cgroup limit readable: the OS figure stands
            }
        }
        return total == Long.MAX_VALUE || total <= 0 ? 4L << 30 : total;
    }

    /** Whether {@code available()} is a cgroup's limit rather than the machine's total. */
    public static String availableSource() {
        long machine = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            machine = os.getTotalMemorySize();
        }
        return available() < machine ? "the cgroup's memory limit" : "the machine's memory";
    }

    private static long statusField(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String v = line.substring(name.length()).strip();
                    int sp = v.indexOf(' ');
                    long kb = Long.parseLong(sp < 0 ? v : v.substring(0, sp));
                    return kb << 10;
                }
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            return -1;
        }
        return -1;
    }
}
