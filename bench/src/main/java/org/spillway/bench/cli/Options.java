package org.spillway.bench.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} options of a subcommand, plus positional words. */
record Options(Map<String, String> named, List<String> positional) {
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
}
