package org.spillway.frame.exec.eval;

/**
 * The rows an expression's value is actually needed for, while a {@link CaseWhen} evaluates a
 * branch: errors (a failed cast, an int64 overflow) in rows outside the mask give null instead of
 * failing, as SQL's {@code CASE} only evaluates a branch for the rows it applies to. Consulted only
 * on the error path, so it costs nothing otherwise.
 */
public final class EvalMask {
    private static final ThreadLocal<boolean[]> ACTIVE = new ThreadLocal<>();

    private EvalMask() {
    }

    /** True if row {@code row} is outside the active mask (its value is not needed). */
    public static boolean ignored(int row) {
        boolean[] m = ACTIVE.get();
        return m != null && row < m.length && !m[row];
    }

    /** The active mask, or null (every row needed). */
    static boolean[] current() {
        return ACTIVE.get();
    }

    /** Makes {@code mask} active (combined with the enclosing one); returns the previous mask to restore. */
    static boolean[] push(boolean[] mask) {
        boolean[] prev = ACTIVE.get();
        if (prev != null) {
            boolean[] m = mask.clone();
            for (int i = 0; i < m.length && i < prev.length; i++) {
                m[i] &= prev[i];
            }
            mask = m;
        }
        ACTIVE.set(mask);
        return prev;
    }

    /** Restores the mask {@link #push} returned. */
    static void pop(boolean[] prev) {
        if (prev == null) {
            ACTIVE.remove();
        } else {
            ACTIVE.set(prev);
        }
    }
}
