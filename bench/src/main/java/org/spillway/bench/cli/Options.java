package org.spillway.bench.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} options of a subcommand, plus positional words. */
record Options(Map<String, String> named, List<String> positional) {
    /** A mistake on the command line (unknown option, malformed number): printed as one line, exit status 2. */
    static final class UsageError extends IllegalArgumentException {
        UsageError(String message) {
            super(message);
        }
    }

    static Options parse(String[] args) {
        Map<String, String> named = new HashMap<>();
        List<String> pos = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                String key = a.substring(2);
                int eq = key.indexOf('=');
                if (eq >= 0) {
                    named.put(key.substring(0, eq), key.substring(eq + 1));
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    named.put(key, args[++i]);
                } else {
                    named.put(key, "true");
                }
            } else {
                pos.add(a);
            }
        }
        return new Options(named, pos);
    }

    String get(String name, String dflt) {
        return named.getOrDefault(name, dflt);
    }

    long count(String name, long dflt) {
        String v = named.get(name);
        return v == null ? dflt : Main.parseCount(v);
    }

    /** A whole-number option that must fit an int, such as {@code --features 20}. */
    int integer(String name, int dflt) {
        long v = count(name, dflt);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new UsageError("--" + name + " is too large: " + named.get(name));
        }
        return (int) v;
    }

    /** A decimal option such as {@code --positive-rate 0.2}. */
    double number(String name, double dflt) {
        String v = named.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageError("--" + name + " takes a number, e.g. 0.2; not '" + v + "'");
        }
    }

    /**
     * An option naming one constant of {@code type}, written in any case with {@code -} or {@code _}
     * (e.g. {@code --format parquet}, {@code --codec lz4-raw}); fails naming the accepted values.
     */
    <E extends Enum<E>> E choice(String name, E dflt, Class<E> type) {
        String v = named.get(name);
        if (v == null) {
            return dflt;
        }
        String wanted = v.strip().replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(wanted)) {
                return e;
            }
        }
        throw new UsageError("--" + name + " takes one of " + java.util.Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(java.util.Locale.ROOT)).collect(java.util.stream.Collectors.joining(", "))
                + "; not '" + v + "'");
    }

    /** Fails on an option not in {@code known} or on a positional word, naming {@code command} and its options. */
    void allowOnly(String command, java.util.Set<String> known) {
        for (String name : named.keySet()) {
            if (!known.contains(name)) {
                throw new UsageError("unknown option --" + name + " for '" + command + "'; its options are "
                        + known.stream().sorted().map(k -> "--" + k).collect(java.util.stream.Collectors.joining(" ")));
            }
        }
        if (!positional.isEmpty()) {
            throw new UsageError("'" + command + "' takes no bare words, got " + positional
                    + "; options are written --name value");
        }
    }
}
