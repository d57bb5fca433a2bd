package org.spillway.spill.file;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A child process for {@link SpillDirectoryTest}: holds the lock of a spill directory until its stdin closes. */
public final class LockHolder {
    private LockHolder() {
    }

    /** Locks {@code args[0]}, prints {@code locked}, and waits for end of input. */
    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            System.out.println("locked " + lock.isValid());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait
            }
        }
    }
}
