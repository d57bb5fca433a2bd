package org.spillway.ml.serve;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters in the Prometheus text exposition format (version 0.0.4):
 * <ul>
 *   <li>{@code spillway_serve_requests_total{model,status}}: answered prediction requests by HTTP status;</li>
 *   <li>{@code spillway_serve_errors_total{model,reason}}: refused or failed ones by reason ({@code bad_request},
 *       {@code not_found}, {@code method}, {@code too_large}, {@code overloaded}, {@code internal}, ...);</li>
 *   <li>{@code spillway_serve_request_seconds{model}}: a histogram of prediction latency, body read to answer written;</li>
 *   <li>{@code spillway_serve_batch_rows{model}}: a histogram of the rows scored per batch;</li>
 *   <li>{@code spillway_serve_queued_requests{model}} (waiting in the queue or being scored) and
 *       {@code spillway_serve_model_version{model}}: gauges.</li>
 * </ul>
 * A request for an unknown model is counted under {@code model="_unknown"}, so that made-up names cannot grow the
 * label set.
 */
final class ServeMetrics {
    static final String UNKNOWN = "_unknown";
    private static final double[] LATENCY_BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
    private static final double[] BATCH_BOUNDS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final Map<String, Histogram> batches = new ConcurrentHashMap<>();

    /** Counts one answered prediction request. */
    void request(String model, int status, long nanos) {
        requests.computeIfAbsent(model + '\0' + status, k -> new LongAdder()).increment();
        latency.computeIfAbsent(model, k -> new Histogram(LATENCY_BOUNDS)).observe(nanos / 1e9);
    }

    /** Counts one error. */
    void error(String model, String reason) {
        errors.computeIfAbsent(model + '\0' + reason, k -> new LongAdder()).increment();
    }

    /** Counts one scored batch of {@code rows} rows. */
    void batch(String model, int rows) {
        batches.computeIfAbsent(model, k -> new Histogram(BATCH_BOUNDS)).observe(rows);
    }

    /** The requests answered with {@code status} for {@code model} so far. */
    long requests(String model, int status) {
        LongAdder a = requests.get(model + '\0' + status);
        return a == null ? 0 : a.sum();
    }

    /** The exposition text. */
    String render(Collection<Deployment> live) {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP spillway_serve_requests_total Prediction requests answered, by model and HTTP status.\n");
        sb.append("# TYPE spillway_serve_requests_total counter\n");
        new TreeMap<>(requests).forEach((k, v) -> {
            String[] p = k.split("\0", 2);
            sb.append("spillway_serve_requests_total{model=\"").append(escape(p[0])).append("\",status=\"").append(p[1])
                    .append("\"} ").append(v.sum()).append('\n');
        });
        sb.append("# HELP spillway_serve_errors_total Prediction requests refused or failed, by model and reason.\n");
        sb.append("# TYPE spillway_serve_errors_total counter\n");
        new TreeMap<>(errors).forEach((k, v) -> {
            String[] p = k.split("\0", 2);
            sb.append("spillway_serve_errors_total{model=\"").append(escape(p[0])).append("\",reason=\"").append(p[1])
                    .append("\"} ").append(v.sum()).append('\n');
        });
        sb.append("# HELP spillway_serve_request_seconds Prediction request latency, from the body read to the answer.\n");
        sb.append("# TYPE spillway_serve_request_seconds histogram\n");
        new TreeMap<>(latency).forEach((m, h) -> h.render(sb, "spillway_serve_request_seconds", m));
        sb.append("# HELP spillway_serve_batch_rows Rows scored per batch.\n");
        sb.append("# TYPE spillway_serve_batch_rows histogram\n");
        new TreeMap<>(batches).forEach((m, h) -> h.render(sb, "spillway_serve_batch_rows", m));
        sb.append("# HELP spillway_serve_queued_requests Requests waiting in the model's queue.\n");
        sb.append("# TYPE spillway_serve_queued_requests gauge\n");
        for (Deployment d : live) {
            sb.append("spillway_serve_queued_requests{model=\"").append(escape(d.name)).append("\"} ").append(d.queued()).append('\n');
        }
        sb.append("# HELP spillway_serve_model_version The version of the model being served.\n");
        sb.append("# TYPE spillway_serve_model_version gauge\n");
        for (Deployment d : live) {
            sb.append("spillway_serve_model_version{model=\"").append(escape(d.name)).append("\"} ").append(d.version).append('\n');
        }
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** A cumulative histogram with fixed upper bounds. */
    private static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] counts;
        private final LongAdder count = new LongAdder();
        private final DoubleAdder sum = new DoubleAdder();

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.counts = new LongAdder[bounds.length];
            for (int i = 0; i < bounds.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double v) {
            for (int i = 0; i < bounds.length; i++) {
                if (v <= bounds[i]) {
                    counts[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(v);
        }

        void render(StringBuilder sb, String name, String model) {
            long cumulative = 0;
            String m = escape(model);
            for (int i = 0; i < bounds.length; i++) {
                cumulative += counts[i].sum();
                sb.append(name).append("_bucket{model=\"").append(m).append("\",le=\"").append(format(bounds[i])).append("\"} ")
                        .append(cumulative).append('\n');
            }
            long total = count.sum();
            sb.append(name).append("_bucket{model=\"").append(m).append("\",le=\"+Inf\"} ").append(total).append('\n');
            sb.append(name).append("_sum{model=\"").append(m).append("\"} ").append(format(sum.sum())).append('\n');
            sb.append(name).append("_count{model=\"").append(m).append("\"} ").append(total).append('\n');
        }

        private static String format(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
        }
    }
}
