package org.spillway.frame;

import java.util.List;

/** A column name that the frame does not have; the message lists the ones it does. */
public class ColumnNotFoundException extends SpillwayException {
    private final String column;

    /** Creates the error for {@code column} given the available names. */
    public ColumnNotFoundException(String column, List<String> available) {
        super("No column named '" + column + "'; the frame has " + available
                + (closest(column, available) == null ? "" : ". Did you mean '" + closest(column, available) + "'?"));
        this.column = column;
    }

    /** Creates the error for {@code column} given the available names, with the reason it is missing. */
    public ColumnNotFoundException(String column, List<String> available, String reason) {
        super("No column named '" + column + "': " + reason + "; the frame has " + available);
        this.column = column;
    }

    /** The name that was not found. */
    public String column() {
        return column;
    }

    private static String closest(String name, List<String> names) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String n : names) {
            int d = distance(name.toLowerCase(), n.toLowerCase());
            if (d < bestD) {
                bestD = d;
                best = n;
            }
        }
        return bestD <= Math.max(1, name.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
