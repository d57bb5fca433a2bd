package org.spillway.bench;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.spillway.datasets.Flights;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.ml.LogisticRegression;
import org.spillway.ml.ModelIO;
import org.spillway.ml.OneHotEncoder;
import org.spillway.ml.Pipeline;
import org.spillway.ml.PipelineModel;
import org.spillway.ml.StandardScaler;
import org.spillway.ml.serve.ModelServer;
import org.spillway.ml.serve.Scoring;

/**
 * {@code ./spillway bench serve}: the flights pipeline (one-hot hour, dow, month, origin, dest; scaled logdist;
 * logistic regression) behind {@link ModelServer} on the loopback. For each scoring mode: single-row requests at each
 * client count (requests per second, p50 and p99 latency), then requests of {@code batchRows} rows (rows per second).
 *
 * <p>Where the server runs ({@link Setup#server}): {@code fork} (the default) starts it as {@code ./spillway serve} in
 * a child JVM, so that the server's CPU time per request is measured apart from the load generator's (both are
 * printed, read from the operating system); {@code inprocess} runs it in this JVM (clients and server share one
 * process: only their sum is known); with {@link Setup#url} the load goes to a server already running (started by
 * {@code ./spillway serve} on a model that reads the flights columns), whose CPU time is then not known.
 *
 * <p>Load ({@link Setup#client}): {@code raw} (the default) is one blocking socket per client on a virtual thread,
 * writing a prepared HTTP/1.1 request and reading the answer by its {@code Content-Length}, on one keep-alive
 * connection per client; {@code jdk} is {@code java.net.http.HttpClient} (HTTP/1.1, its connection pool keeps the
 * connections alive). Measured, the JDK client costs about 400 us of CPU per request at 64 clients against about
 * 25 us for the raw one, so on 2 shared cores it, not the server, sets the pace: hence raw by default. Each point
 * also prints the server's CPU time per request (the forked server's, or {@code --server-pid}'s), the client's, and
 * the TCP connections to the server port seen established near its end and the number closed during it (from
 * {@code /proc/net/tcp}): one established connection per client and none closed shows keep-alive at work. A last
 * point per run, {@code GET /healthz}, is the HTTP server alone (no body, JSON or model).
 */
public final class ServeBench {
    private static final String[] INPUTS = {"hour", "dow", "month", "origin", "dest", "logdist"};
    private static final String MODEL = "flights";

    private ServeBench() {
    }

    /**
     * What to run.
     *
     * @param trainRows    rows the model is trained on
     * @param seconds      seconds per measurement (after a warm-up of half as long; each new server is first warmed
     *                     for {@code seconds}, at least 1, at the largest client count)
     * @param clients      the client counts for single-row requests
     * @param batchRows    rows per request in the batched measurement (0: none)
     * @param batchClients concurrent clients sending batched requests
     * @param modes        scoring modes, one server each (ignored with a {@code url})
     * @param server       {@code fork} or {@code inprocess}
     * @param url          the base URL of a running server (null: start one as {@code server} says)
     * @param client       {@code raw} or {@code jdk}
     * @param serverFlags  extra JVM flags for a forked server (e.g. {@code -XX:StartFlightRecording=...})
     * @param serverPid    the process id of the server at {@code url}, to read its CPU time (0: not known)
     */
    public record Setup(int trainRows, double seconds, List<Integer> clients, int batchRows, int batchClients, List<Scoring> modes,
                        String server, String url, String client, List<String> serverFlags, long serverPid) {
        /** Checks the choices. */
        public Setup {
            clients = List.copyOf(clients);
            modes = List.copyOf(modes);
            serverFlags = List.copyOf(serverFlags);
            if (!server.equals("fork") && !server.equals("inprocess")) {
                throw new IllegalArgumentException("server must be fork or inprocess, not '" + server + "'");
            }
            if (!client.equals("raw") && !client.equals("jdk")) {
                throw new IllegalArgumentException("client must be raw or jdk, not '" + client + "'");
            }
        }

        /** The defaults of {@code ./spillway bench serve}. */
        public static Setup defaults() {
            return new Setup(100_000, 3, List.of(1, 16, 64), 256, 8, List.of(Scoring.ROWS, Scoring.FRAME), "fork", null, "raw", List.of(),
                    0);
        }
    }

    /** Runs the benchmark in one process with the JDK client (kept for the test): {@code seconds} per measurement. */
    public static int run(int trainRows, double seconds, List<Integer> clients, int batchRows, List<Scoring> modes, PrintStream out)
            throws Exception {
        return run(new Setup(trainRows, seconds, clients, batchRows, 8, modes, "inprocess", null, "jdk", List.of(), 0), out);
    }

    /** Runs the benchmark as {@code setup} says, printing a table to {@code out}. */
    public static int run(Setup setup, PrintStream out) throws Exception {
        PipelineModel model = null;
        List<String> bodies = new ArrayList<>();
        List<String> batchBodies = new ArrayList<>();
        try (Spillway sw = Spillway.builder().memoryLimit("256m").progress(false).build()) {
            if (setup.url() == null) {
                DataFrame train = sw.generate(Flights.rows(setup.trainRows()).seed(1));
                model = new Pipeline(new OneHotEncoder().inputCols("hour", "dow", "month", "origin", "dest"),
                        new StandardScaler().inputCols("logdist"), new LogisticRegression().labelCol("label").maxIter(50)).fit(train);
            }
            List<Row> rows = sw.generate(Flights.rows(Math.max(1000, setup.batchRows() * 8)).seed(2)).select(INPUTS).rows();
            for (int i = 0; i < 1000; i++) {
                bodies.add("{\"rows\": [" + json(rows.get(i)) + "]}");
            }
            for (int b = 0; b < 8 && setup.batchRows() > 0; b++) {
                StringBuilder sb = new StringBuilder("{\"rows\": [");
                for (int i = 0; i < setup.batchRows(); i++) {
                    sb.append(i > 0 ? "," : "").append(json(rows.get(b * setup.batchRows() + i)));
                }
                batchBodies.add(sb.append("]}").toString());
            }
        }
        String where = setup.url() != null ? "a running server at " + setup.url()
                : setup.server().equals("fork") ? "a server in a child JVM" : "a server in this JVM";
        out.printf(Locale.ROOT, "serve bench: flights pipeline, %d cores, load average %s, %.1f s per point; %s client against %s%n",
                Runtime.getRuntime().availableProcessors(), loadAverage(), setup.seconds(), setup.client(), where);
        out.printf(Locale.ROOT, "%-7s %-20s %14s %8s %8s %11s %11s %7s%n", "scoring", "load", "throughput", "p50 ms", "p99 ms",
                "server CPU", "client CPU", "conns");
        List<Scoring> modes = setup.url() != null ? List.of(Scoring.AUTO) : setup.modes();
        boolean floorDone = false;
        for (Scoring mode : modes) {
            try (Target target = start(setup, model, mode)) {
                String label = setup.url() != null ? "?" : mode.name().toLowerCase(Locale.ROOT);
                Load load = new Load(setup.client(), target);
                // a new server's first seconds are JIT compilation: warm it at the largest load before any point
                if (!setup.clients().isEmpty()) {
                    load.run(bodies, setup.clients().stream().mapToInt(Integer::intValue).max().orElse(1), Math.max(setup.seconds(), 1));
                }
                for (int c : setup.clients()) {
                    load.run(bodies, c, setup.seconds() / 2);
                    Result r = load.run(bodies, c, setup.seconds());
                    out.println(r.line(label, "1 row, " + c + " client" + (c == 1 ? "" : "s"), 1));
                }
                if (!floorDone && !setup.clients().isEmpty()) {
                    // the HTTP server alone: GET /healthz, no body, no JSON, no model
                    floorDone = true;
                    int c = setup.clients().getLast();
                    load.run(null, c, setup.seconds() / 2);
                    Result r = load.run(null, c, setup.seconds());
                    out.println(r.line("http", "GET /healthz, " + c + " cl.", 1));
                }
                if (setup.batchRows() > 0) {
                    load.run(batchBodies, setup.batchClients(), setup.seconds() / 2);
                    Result r = load.run(batchBodies, setup.batchClients(), setup.seconds());
                    out.println(r.line(label, setup.batchRows() + " rows, " + setup.batchClients() + " clients", setup.batchRows()));
                }
                load.close();
            }
        }
        return 0;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static String json(Row r) {
        return String.format(Locale.ROOT, "{\"hour\":%d,\"dow\":%d,\"month\":%d,\"origin\":\"%s\",\"dest\":\"%s\",\"logdist\":%s}",
                r.getInt("hour"), r.getInt("dow"), r.getInt("month"), r.get("origin"), r.get("dest"), r.get("logdist"));
    }

    // ---- the server ----------------------------------------------------------------------------

    /** A server to load: its prediction URL, and its CPU time when it runs in its own process. */
    private interface Target extends AutoCloseable {
        String predictUrl();

        /** The server's CPU nanoseconds so far, or -1 when not known apart from the client's. */
        long cpuNanos();

        @Override
        void close() throws Exception;
    }

    private static Target start(Setup setup, PipelineModel model, Scoring mode) throws Exception {
        if (setup.url() != null) {
            String url = setup.url().replaceAll("/+$", "") + "/v1/models/" + MODEL + "/predict";
            var process = setup.serverPid() > 0 ? ProcessHandle.of(setup.serverPid()) : java.util.Optional.<ProcessHandle>empty();
            return new Target() {
                @Override
                public String predictUrl() {
                    return url;
                }

                @Override
                public long cpuNanos() {
                    return process.flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
                }

                @Override
                public void close() {
                }
            };
        }
        if (setup.server().equals("inprocess")) {
            ModelServer server = ModelServer.builder().model(MODEL, model).port(0).scoring(mode).start();
            return new Target() {
                @Override
                public String predictUrl() {
                    return server.predictUrl(MODEL);
                }

                @Override
                public long cpuNanos() {
                    return -1;
                }

                @Override
                public void close() {
                    server.close();
                }
            };
        }
        return Forked.start(model, mode, setup.serverFlags());
    }

    /** {@code ./spillway serve} in a child JVM with this JVM's flags and class path. */
    private static final class Forked implements Target {
        private final Process process;
        private final Path dir;
        private final String url;

        private Forked(Process process, Path dir, String url) {
            this.process = process;
            this.dir = dir;
            this.url = url;
        }

        static Forked start(PipelineModel model, Scoring mode, List<String> extraFlags) throws IOException, InterruptedException {
            Path dir = Files.createTempDirectory("spillway-serve-bench");
            Path file = dir.resolve(MODEL + ".json");
            ModelIO.save(model, file);
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            for (String f : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (!f.startsWith("-agentlib") && !f.startsWith("-javaagent") && !f.startsWith("-XX:StartFlightRecording")
                        && !f.startsWith("-XX:FlightRecorderOptions")) {
                    cmd.add(f);
                }
            }
            cmd.addAll(extraFlags);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.spillway.bench.cli.Main", "serve", file.toString(),
                    "--name", MODEL, "--port", "0", "--scoring", mode.name().toLowerCase(Locale.ROOT)));
            Path log = dir.resolve("server.log");
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            String url = null;
            while ((line = lines.readLine()) != null) {
                String s = line.strip();
                if (s.startsWith("POST http")) {
                    url = s.substring("POST ".length());
                    break;
                }
            }
            if (url == null) {
                p.waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("the forked server did not start; its log:\n" + Files.readString(log));
            }
            // keep draining its stdout so that it never blocks on a full pipe
            Thread.ofVirtual().start(() -> {
                try (lines) {
                    while (lines.readLine() != null) {
                        continue;
                    }
                } catch (IOException ignored) {
                    // the server has gone
                }
            });
            return new Forked(p, dir, url);
        }

        @Override
        public String predictUrl() {
            return url;
        }

        @Override
        public long cpuNanos() {
            return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    // ---- the load --------------------------------------------------------------------------------

    private record Result(long requests, double seconds, double p50, double p99, double serverCpuMicros, double clientCpuMicros,
                          int established, int timeWait) {
        String line(String mode, String load, int rowsPerRequest) {
            String rate = rowsPerRequest == 1 ? String.format(Locale.ROOT, "%10.0f r/s", requests / seconds)
                    : String.format(Locale.ROOT, "%9.0f rows/s", requests * (double) rowsPerRequest / seconds);
            return String.format(Locale.ROOT, "%-7s %-20s %14s %8.2f %8.2f %11s %11s %7s", mode, load, rate, p50, p99,
                    serverCpuMicros < 0 ? "-" : String.format(Locale.ROOT, "%.0f us/r", serverCpuMicros),
                    String.format(Locale.ROOT, "%.0f us/r", clientCpuMicros), established + "/" + timeWait);
        }
    }

    /** One kind of client against one server. */
    private static final class Load implements AutoCloseable {
        private final String kind;
        private final Target target;
        private final URI uri;
        private final HttpClient jdk;

        Load(String kind, Target target) {
            this.kind = kind;
            this.target = target;
            this.uri = URI.create(target.predictUrl());
            this.jdk = kind.equals("jdk") ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newVirtualThreadPerTaskExecutor()).build() : null;
        }

        /** {@code bodies} posted to the prediction URL by {@code clients} clients; null: {@code GET /healthz}. */
        Result run(List<String> bodies, int clients, double seconds) throws Exception {
            List<byte[]> requests = new ArrayList<>();
            if (bodies == null) {
                requests.add(("GET /healthz HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            for (String b : bodies == null ? List.<String>of() : bodies) {
                byte[] body = b.getBytes(StandardCharsets.UTF_8);
                byte[] head = ("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                byte[] all = Arrays.copyOf(head, head.length + body.length);
                System.arraycopy(body, 0, all, head.length, body.length);
                requests.add(all);
            }
            int tw0 = connections(uri.getPort())[1];
            long server0 = target.cpuNanos();
            long client0 = clientCpu();
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            AtomicLong errors = new AtomicLong();
            List<long[]> latencies = new ArrayList<>();
            int[] conns = {0, 0};
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<long[]>> fs = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int seed = c;
                    fs.add(pool.submit(() -> kind.equals("raw") ? rawClient(requests, seed, end, errors)
                            : jdkClient(bodies, seed, end, errors)));
                }
                // the connections in use, seen near the end of the point
                Thread.sleep(Math.max(1, (long) (seconds * 900)));
                conns = connections(uri.getPort());
                for (Future<long[]> f : fs) {
                    latencies.add(f.get());
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long serverCpu = target.cpuNanos() - server0;
            long clientCpu = clientCpu() - client0;
            if (errors.get() > 0) {
                throw new IllegalStateException(errors.get() + " requests failed at " + clients + " clients");
            }
            long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            if (all.length == 0) {
                return new Result(0, elapsed, Double.NaN, Double.NaN, Double.NaN, Double.NaN, conns[0], Math.max(0, conns[1] - tw0));
            }
            return new Result(all.length, elapsed, all[(int) (all.length * 0.50)] / 1e6,
                    all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6,
                    server0 < 0 ? -1 : serverCpu / 1e3 / all.length, clientCpu / 1e3 / all.length, conns[0], Math.max(0, conns[1] - tw0));
        }

        private long[] jdkClient(List<String> bodies, int seed, long end, AtomicLong errors) throws Exception {
            long[] lat = new long[1 << 16];
            int n = 0;
            int i = seed * 31;
            URI health = uri.resolve("/healthz");
            while (System.nanoTime() < end) {
                HttpRequest req = bodies == null ? HttpRequest.newBuilder(health).GET().build()
                        : HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i++ % bodies.size()))).build();
                long t0 = System.nanoTime();
                HttpResponse<String> r = jdk.send(req, HttpResponse.BodyHandlers.ofString());
                long t = System.nanoTime() - t0;
                if (r.statusCode() != 200) {
                    errors.incrementAndGet();
                    continue;
                }
                if (n == lat.length) {
                    lat = Arrays.copyOf(lat, n * 2);
                }
                lat[n++] = t;
            }
            return Arrays.copyOf(lat, n);
        }

        private long[] rawClient(List<byte[]> requests, int seed, long end, AtomicLong errors) throws IOException {
            long[] lat = new long[1 << 16];
            int n = 0;
            int i = seed * 31;
            Socket socket = null;
            InputStream in = null;
            OutputStream os = null;
            try {
                while (System.nanoTime() < end) {
                    if (socket == null) {
                        socket = new Socket();
                        socket.setTcpNoDelay(true);
                        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
                        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
                        os = socket.getOutputStream();
                    }
                    byte[] req = requests.get(i++ % requests.size());
                    long t0 = System.nanoTime();
                    os.write(req);
                    os.flush();
                    int status = readResponse(in);
                    long t = System.nanoTime() - t0;
                    if (status < 0) {
                        socket.close();
                        socket = null;
                        status = -status;
                    }
                    if (status != 200) {
                        errors.incrementAndGet();
                        continue;
                    }
                    if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = t;
                }
            } finally {
                if (socket != null) {
                    socket.close();
                }
            }
            return Arrays.copyOf(lat, n);
        }

        /** Reads one answer; its status, negated when the server closes the connection after it. */
        private static int readResponse(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder(256);
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the server closed the connection mid-answer");
                }
                head.append((char) b);
                matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1
                        : b == '\r' ? 1 : 0;
            }
            String h = head.toString();
            int status = Integer.parseInt(h.substring(9, 12));
            String lower = h.toLowerCase(Locale.ROOT);
            int at = lower.indexOf("\ncontent-length:");
            int length = 0;
            if (at >= 0) {
                int eol = lower.indexOf('\r', at + 1);
                length = Integer.parseInt(lower.substring(at + "\ncontent-length:".length(), eol).strip());
            }
            in.readNBytes(length);
            return lower.contains("\nconnection: close") ? -status : status;
        }

        private static long clientCpu() {
            return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : 0;
        }

        /**
         * TCP connections to {@code port} on this machine, from /proc/net/tcp{,6}: established, and closed by this side
         * (FIN-WAIT, TIME-WAIT or CLOSING; a connection a client closed stays so for a minute).
         */
        private static int[] connections(int port) {
            int[] n = {0, 0};
            String hexPort = String.format(Locale.ROOT, ":%04X", port);
            for (String f : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                try {
                    for (String line : Files.readAllLines(Path.of(f))) {
                        String[] c = line.strip().split("\\s+");
                        if (c.length > 3 && c[2].endsWith(hexPort)) {
                            switch (c[3]) {
                                case "01" -> n[0]++;                        // ESTABLISHED
                                case "04", "05", "06", "0B" -> n[1]++;      // FIN-WAIT-1/2, TIME-WAIT, CLOSING: closed here
                                default -> {
                                }
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // not Linux: unknown
                }
            }
            return n;
        }

        @Override
        public void close() {
            if (jdk != null) {
                jdk.close();
            }
        }
    }
}
