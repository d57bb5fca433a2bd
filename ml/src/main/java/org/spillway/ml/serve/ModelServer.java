package org.spillway.ml.serve;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spillway.frame.Spillway;
import org.spillway.ml.MlException;
import org.spillway.ml.Model;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Models behind HTTP, with micro-batching, versioned hot swaps and backpressure, in the JVM:
 *
 * <pre>{@code
 * try (var server = ModelServer.builder()
 *         .model("flights", PipelineModel.load("model.json"))
 *         .port(8080).maxBatchSize(256).maxBatchDelay(Duration.ofMillis(2)).maxQueuedRequests(10_000)
 *         .start()) {
 *     // POST http://127.0.0.1:8080/v1/models/flights/predict  {"rows": [{"hour": 18, "origin": "ORD", ...}]}
 *     //   -> {"model": "flights", "version": 1, "predictions": [{"rawPrediction": .., "probability": .., "prediction": ..}]}
 *     server.deploy("flights", newModel);   // version 2; requests queued for version 1 are still answered by it
 * }
 * }</pre>
 *
 * <p><b>Endpoints.</b>
 * <ul>
 *   <li>{@code POST /v1/models/{name}/predict} with a JSON body {@code {"rows": [{...}, ...]}}: each row's fields are
 *       converted to the model's input schema (see {@link InputSchemas}); the answer holds one object per row, in
 *       order, with the columns the model's {@code transform} adds. With {@code Content-Type: text/csv}, the body is
 *       CSV with a header naming the input columns, and the answer is CSV of the input columns followed by the
 *       prediction columns (header included), with the version in the {@code X-Model-Version} header.</li>
 *   <li>{@code GET /v1/models}: each model's name, version, input columns and output columns;
 *       {@code GET /v1/models/{name}}: one of them.</li>
 *   <li>{@code GET /healthz}: 200 while the server runs; {@code GET /readyz}: 200 while it takes requests and serves
 *       a model, 503 once a stop has begun; {@code GET /metrics}: Prometheus text ({@link ServeMetrics}).</li>
 * </ul>
 * Errors are {@code {"error": "..."}} with a message naming the problem: an unknown model 404; malformed JSON 400
 * with the parser's message and position; a missing or mistyped field 400 naming the row index and the field; a
 * value the model refuses (an unseen category) 400; a body over {@link Builder#maxBodyBytes} (default 16 MiB) 413;
 * a wrong method 405 with {@code Allow}; a full queue 503 with {@code Retry-After: 1}. A bad request never fails the
 * other requests of its batch (a failed batch is scored again request by request).
 *
 * <p><b>Scoring and batching.</b> How a deployment scores is its {@link Scoring} ({@link Builder#scoring}; default
 * {@link Scoring#AUTO}: {@link Scoring#ROWS} when every stage of the model can score single rows, as the built-in
 * ones can, else {@link Scoring#FRAME}).
 * <ul>
 *   <li>{@link Scoring#ROWS}: the model is compiled once per deployment into row kernels
 *       ({@link org.spillway.ml.RowTransformer#compile}) and each request is scored on its own (virtual) thread,
 *       right after its body is read: the compiled path has no per-batch cost to share, so handing requests to a
 *       batcher thread and back would only add thread wake-ups. At most {@code maxQueuedRequests} requests per model
 *       are scored at once; more get 503.</li>
 *   <li>{@link Scoring#FRAME}: each deployed model version has a bounded queue and a batcher thread: it takes the
 *       waiting requests up to {@code maxBatchSize} rows (a larger request is scored alone), waits for more up to
 *       {@code maxBatchDelay} only while more requests for the model are being read, and scores the batch in one
 *       {@code transform} over a small frame, so a frame's fixed cost is paid once per batch.</li>
 * </ul>
 * {@link #deploy} starts a new version and closes the old one's queue; the old batcher still scores what was queued
 * (and requests scoring on their own threads finish with the version they started with), so no request is dropped
 * and every answer comes from exactly one version (the one named in it). {@link #stop(Duration)} refuses new requests
 * (503), waits for the requests in flight, then stops.
 *
 * <p><b>HTTP.</b> The JDK's own {@code com.sun.net.httpserver} (module {@code jdk.httpserver}) with one virtual
 * thread per exchange: no dependency, HTTP/1.1 keep-alive, and blocking handler code that costs a virtual thread
 * while it waits for its batch. The server sets {@code sun.net.httpserver.nodelay=true} unless it is already set
 * (the JDK's default, false, delays small answers by the peer's delayed ACK, about 40 ms on Linux). Request bodies
 * are parsed token by token (Jackson's streaming parser, no tree) straight into the values of the input columns,
 * and answers are written with a streaming generator. Measured ({@code ./spillway bench serve}, {@code bench/README.md})
 * the JDK server costs about 30 us of CPU per request on its own, two thirds of the server's cost per single-row
 * prediction; Helidon SE 4's server, tried with the same handler, cost about 10 us less per request but was slower for
 * 256-row bodies, and the JDK server already serves the 10,000 requests/s the project aims at, so it stays.
 *
 * <p><b>Memory.</b> The server owns a {@link Spillway} session for building the small frames it scores (memory limit
 * {@link Builder#memoryLimit} 64 MiB by default), or uses one given to {@link Builder#session}. Queued requests are
 * bounded by {@code maxQueuedRequests} per model times the body limit.
 */
public final class ModelServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
    /**
     * Jackson with a shared pool of parser and generator buffers: its default pool keeps them per thread, which with a
     * virtual thread per exchange would mean new buffers for every request.
     */
    private static final ObjectMapper JSON = new ObjectMapper(new JsonFactoryBuilder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build());
    private static final String PREFIX = "/v1/models";

    static {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** The settings every deployment of a server shares. */
    record Settings(int maxBatchSize, Duration maxBatchDelay, int maxQueuedRequests, long maxBodyBytes, Scoring scoring) {
    }

    private final Settings settings;
    private final Spillway session;
    private final boolean ownsSession;
    private final ServeMetrics metrics = new ServeMetrics();
    private final Map<String, Deployment> deployments = new ConcurrentHashMap<>();
    private final Map<String, Integer> versions = new ConcurrentHashMap<>();
    private final Object deployLock = new Object();
    private final HttpServer http;
    private final ExecutorService executor;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ReentrantLock drainLock = new ReentrantLock();
    private final Condition drained = drainLock.newCondition();
    private volatile boolean accepting = true;
    private volatile boolean stopped;

    private ModelServer(Builder b) throws IOException {
        this.settings = new Settings(b.maxBatchSize, b.maxBatchDelay, b.maxQueuedRequests, b.maxBodyBytes, b.scoring);
        this.ownsSession = b.session == null;
        this.session = b.session != null ? b.session : Spillway.builder().memoryLimit(b.memoryLimit).progress(false).build();
        try {
            for (Map.Entry<String, Builder.Entry> e : b.models.entrySet()) {
                deploy(e.getKey(), e.getValue().model(), e.getValue().inputs());
            }
            InetSocketAddress addr = new InetSocketAddress(b.host == null ? InetAddress.getLoopbackAddress() : InetAddress.getByName(b.host), b.port);
            this.http = HttpServer.create(addr, b.backlog);
        } catch (IOException | RuntimeException e) {
            deployments.values().forEach(d -> d.batcher.close());
            if (ownsSession) {
                session.close();
            }
            throw e;
        }
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
        LOG.info("Serving {} on {}", deployments.keySet(), url());
    }

    /** A builder with the defaults documented on its setters. */
    public static Builder builder() {
        return new Builder();
    }

    /** The port the server listens on (the one chosen by the system when the builder asked for port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** The URL of the prediction endpoint of model {@code name}. */
    public String predictUrl(String name) {
        return url() + PREFIX + "/" + name + "/predict";
    }

    /**
     * Deploys {@code model} under {@code name}, inferring its input schema ({@link InputSchemas#infer}): the first
     * deployment of a name is version 1, each later one the next version. Requests queued for the previous version are
     * still answered by it; new ones go to this one.
     *
     * @return the new version
     */
    public int deploy(String name, Model model) {
        return deploy(name, model, null);
    }

    /** {@link #deploy(String, Model)} with the input schema given ({@code null}: inferred). */
    public int deploy(String name, Model model, Schema inputs) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(model, "model");
        if (name.isEmpty() || !name.matches("[A-Za-z0-9._-]+")) {
            throw new MlException("A model name is letters, digits, '.', '_' and '-'; not '" + name + "'");
        }
        if (stopped) {
            throw new MlException("The server has stopped");
        }
        Schema in = inputs != null ? inputs : InputSchemas.infer(model);
        synchronized (deployLock) {
            int version = versions.getOrDefault(name, 0) + 1;
            Deployment d = new Deployment(name, version, model, in, settings.scoring(), session, settings, metrics);
            Deployment old = deployments.put(name, d);
            versions.put(name, version);
            if (old != null) {
                old.batcher.close();
            }
            LOG.info("Deployed model '{}' version {} (inputs {}, outputs {}, scoring {})", name, version, in.names(),
                    d.outputs.stream().map(Field::name).toList(), d.scoring);
            return version;
        }
    }

    /** The version being served under {@code name}, or 0 if there is none. */
    public int version(String name) {
        Deployment d = deployments.get(name);
        return d == null ? 0 : d.version;
    }

    /** The input schema of the model served under {@code name}. */
    public Schema inputSchema(String name) {
        Deployment d = deployments.get(name);
        if (d == null) {
            throw new MlException("No model named '" + name + "'; serving " + deployments.keySet());
        }
        return d.inputs;
    }

    /** The metrics as {@code GET /metrics} returns them. */
    public String metricsText() {
        return metrics.render(deployments.values());
    }

    /** Stops gracefully, waiting up to 30 seconds for requests in flight. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    /**
     * Stops gracefully: new prediction requests are refused (503) and {@code /readyz} says so, the requests in flight
     * are answered (waiting up to {@code timeout}), then the batchers, the HTTP server and the owned session stop.
     *
     * @return true if every request in flight was answered within the timeout
     */
    public boolean stop(Duration timeout) {
        if (stopped) {
            return true;
        }
        accepting = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean clean = true;
        drainLock.lock();
        try {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    clean = false;
                    break;
                }
                drained.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clean = false;
        } finally {
            drainLock.unlock();
        }
        synchronized (deployLock) {
            stopped = true;
        }
        for (Deployment d : deployments.values()) {
            d.batcher.close();
        }
        for (Deployment d : deployments.values()) {
            try {
                clean &= d.batcher.awaitDrained(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                clean = false;
            }
        }
        http.stop(0);
        executor.shutdownNow();
        if (ownsSession) {
            session.close();
        }
        LOG.info("Stopped serving on {}", url());
        return clean;
    }

    // ---- HTTP ----------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            try {
                if (path.equals("/healthz")) {
                    requireGet(ex, method);
                    sendText(ex, 200, "text/plain; charset=utf-8", "ok\n");
                } else if (path.equals("/readyz")) {
                    requireGet(ex, method);
                    boolean ready = accepting && !deployments.isEmpty();
                    sendText(ex, ready ? 200 : 503, "text/plain; charset=utf-8", ready ? "ready\n" : "not ready\n");
                } else if (path.equals("/metrics")) {
                    requireGet(ex, method);
                    sendText(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metricsText());
                } else if (path.equals(PREFIX) || path.equals(PREFIX + "/")) {
                    requireGet(ex, method);
                    List<Map<String, Object>> list = new ArrayList<>();
                    deployments.values().stream().sorted((a, b) -> a.name.compareTo(b.name)).forEach(d -> list.add(describe(d)));
                    sendJson(ex, 200, Map.of("models", list));
                } else if (path.startsWith(PREFIX + "/")) {
                    String rest = path.substring(PREFIX.length() + 1);
                    if (rest.endsWith("/predict") && rest.indexOf('/') == rest.length() - "/predict".length()) {
                        predict(ex, method, rest.substring(0, rest.length() - "/predict".length()));
                    } else if (rest.indexOf('/') < 0) {
                        requireGet(ex, method);
                        Deployment d = deployments.get(rest);
                        if (d == null) {
                            throw unknown(rest);
                        }
                        sendJson(ex, 200, describe(d));
                    } else {
                        throw new BadRequest(404, "no endpoint " + path + "; prediction is POST " + PREFIX + "/{name}/predict");
                    }
                } else {
                    throw new BadRequest(404, "no endpoint " + path + "; the endpoints are POST " + PREFIX
                            + "/{name}/predict, GET " + PREFIX + ", /healthz, /readyz, /metrics");
                }
            } catch (BadRequest e) {
                sendError(ex, e);
            } catch (RuntimeException e) {
                LOG.warn("Request {} {} failed", method, path, e);
                sendError(ex, new BadRequest(500, "internal error: " + e));
            }
        }
    }

    private static void requireGet(HttpExchange ex, String method) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET");
            throw new BadRequest(405, method + " is not allowed here; use GET");
        }
    }

    private BadRequest unknown(String name) {
        return new BadRequest(404, "no model named '" + name + "'; serving " + new java.util.TreeSet<>(deployments.keySet()));
    }

    private static Map<String, Object> describe(Deployment d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name);
        m.put("version", d.version);
        m.put("scoring", d.scoring.name().toLowerCase(java.util.Locale.ROOT));
        m.put("inputs", columns(d.inputs.fields()));
        m.put("outputs", columns(d.outputs));
        return m;
    }

    private static List<Map<String, String>> columns(List<Field> fields) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Field f : fields) {
            out.add(Map.of("name", f.name(), "type", f.type().toString()));
        }
        return out;
    }

    private void predict(HttpExchange ex, String method, String name) throws IOException {
        long start = System.nanoTime();
        Deployment d = deployments.get(name);
        String label = d == null ? ServeMetrics.UNKNOWN : name;
        if (!method.equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            fail(ex, label, start, "method", new BadRequest(405, method + " is not allowed on " + ex.getRequestURI().getPath() + "; use POST"));
            return;
        }
        if (d == null) {
            fail(ex, label, start, "not_found", unknown(name));
            return;
        }
        if (!accepting) {
            ex.getResponseHeaders().set("Retry-After", "1");
            fail(ex, label, start, "stopping", new BadRequest(503, "the server is stopping"));
            return;
        }
        inFlight.incrementAndGet();
        // the batcher waits for more requests only while some are being read (FRAME scoring)
        Batcher arrivingAt = d.scoring == Scoring.FRAME ? d.batcher : null;
        if (arrivingAt != null) {
            arrivingAt.arriving.incrementAndGet();
        }
        boolean arrived = arrivingAt == null;
        try {
            byte[] body;
            try {
                body = readBody(ex);
            } catch (BadRequest e) {
                fail(ex, label, start, "too_large", e);
                return;
            }
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            boolean csv = type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("text/csv");
            List<List<String>> csvRecords = null;
            if (csv) {
                try {
                    csvRecords = CsvText.parse(new String(body, StandardCharsets.UTF_8));
                } catch (BadRequest e) {
                    fail(ex, label, start, "bad_request", e);
                    return;
                }
            }
            List<Object[]> rows = null;
            Schema decodedFor = null;
            List<Object[]> out;
            if (d.scoring == Scoring.ROWS) {
                // scored here, on the request's own thread: the compiled row path has no per-batch cost to share, so
                // a hand-off to a batcher thread and back would only add two thread wake-ups per request
                try {
                    rows = decode(body, csvRecords, d.inputs);
                } catch (BadRequest e) {
                    fail(ex, label, start, "bad_request", e);
                    return;
                }
                if (!d.admit()) {
                    ex.getResponseHeaders().set("Retry-After", "1");
                    fail(ex, label, start, "overloaded", new BadRequest(503, "the queue of model '" + name + "' is full ("
                            + settings.maxQueuedRequests() + " requests); retry later"));
                    return;
                }
                try {
                    out = d.scoreRequest(rows);
                    metrics.batch(d.name, rows.size());
                } catch (BadRequest br) {
                    fail(ex, label, start, br.status() == 503 ? "overloaded" : "model_refused", br);
                    return;
                } catch (RuntimeException | OutOfMemoryError e) {
                    LOG.warn("Scoring a request for model '{}' failed", name, e);
                    fail(ex, label, start, "internal", new BadRequest(500, "scoring failed: " + e));
                    return;
                } finally {
                    d.release();
                }
            } else {
                // submit to the deployment current now; a swap between lookups retries on the newer one
                CompletableFuture<List<Object[]>> result = new CompletableFuture<>();
                while (true) {
                    if (rows == null || decodedFor != d.inputs) {
                        try {
                            rows = decode(body, csvRecords, d.inputs);
                            decodedFor = d.inputs;
                        } catch (BadRequest e) {
                            fail(ex, label, start, "bad_request", e);
                            return;
                        }
                    }
                    Batcher.Offer o = d.batcher.submit(new Batcher.Pending(rows, result));
                    if (!arrived) {
                        arrived = true;
                        arrivingAt.arriving.decrementAndGet();
                    }
                    if (o == Batcher.Offer.ACCEPTED) {
                        break;
                    }
                    if (o == Batcher.Offer.FULL) {
                        ex.getResponseHeaders().set("Retry-After", "1");
                        fail(ex, label, start, "overloaded", new BadRequest(503, "the queue of model '" + name + "' is full ("
                                + settings.maxQueuedRequests() + " requests); retry later"));
                        return;
                    }
                    Deployment next = deployments.get(name);
                    if (next == null || next == d) {
                        fail(ex, label, start, "stopping", new BadRequest(503, "the server is stopping"));
                        return;
                    }
                    d = next;
                }
                try {
                    out = result.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof BadRequest br) {
                        fail(ex, label, start, br.status() == 503 ? "overloaded" : "model_refused", br);
                    } else {
                        LOG.warn("Scoring a request for model '{}' failed", name, e.getCause());
                        fail(ex, label, start, "internal", new BadRequest(500, "scoring failed: " + e.getCause()));
                    }
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    fail(ex, label, start, "internal", new BadRequest(503, "interrupted"));
                    return;
                }
            }
            if (csv) {
                sendCsv(ex, d, rows, out);
            } else {
                sendPredictions(ex, d, out);
            }
            metrics.request(label, 200, System.nanoTime() - start);
        } finally {
            if (!arrived) {
                arrivingAt.arriving.decrementAndGet();
            }
            if (inFlight.decrementAndGet() == 0 && !accepting) {
                drainLock.lock();
                try {
                    drained.signalAll();
                } finally {
                    drainLock.unlock();
                }
            }
        }
    }

    private void fail(HttpExchange ex, String model, long start, String reason, BadRequest e) throws IOException {
        metrics.error(model, reason);
        sendError(ex, e);
        metrics.request(model, e.status(), System.nanoTime() - start);
    }

    private static List<Object[]> decode(byte[] body, List<List<String>> csvRecords, Schema inputs) {
        if (csvRecords != null) {
            return RowDecoder.csv(csvRecords, inputs);
        }
        if (body.length == 0) {
            throw new BadRequest(400, "the body is empty; send {\"rows\": [{...}, ...]}");
        }
        return RowDecoder.json(JSON.getFactory(), body, inputs);
    }

    private byte[] readBody(HttpExchange ex) throws IOException {
        long limit = settings.maxBodyBytes();
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        long declared = -1;
        if (length != null) {
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw new BadRequest(400, "Content-Length is not a number: " + length);
            }
            if (declared > limit) {
                throw new BadRequest(413, "the body has " + length.strip() + " bytes, more than the limit of " + limit
                        + " (ModelServer.Builder.maxBodyBytes); send fewer rows per request");
            }
        }
        InputStream in = ex.getRequestBody();
        if (declared >= 0) {
            // the usual case: read exactly the declared bytes into one array (the server's stream ends there)
            byte[] body = in.readNBytes((int) declared);
            if (body.length < declared) {
                throw new BadRequest(400, "the body ended after " + body.length + " of its " + declared + " bytes");
            }
            return body;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream(1024);
        byte[] chunk = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(chunk)) > 0) {
            total += n;
            if (total > limit) {
                throw new BadRequest(413, "the body is larger than the limit of " + limit
                        + " bytes (ModelServer.Builder.maxBodyBytes); send fewer rows per request");
            }
            buf.write(chunk, 0, n);
        }
        return buf.toByteArray();
    }

    private static void sendPredictions(HttpExchange ex, Deployment d, List<Object[]> out) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64 + out.size() * 24 * d.outputs.size());
        try (JsonGenerator g = JSON.getFactory().createGenerator(buf)) {
            g.writeStartObject();
            g.writeStringField("model", d.name);
            g.writeNumberField("version", d.version);
            g.writeArrayFieldStart("predictions");
            for (Object[] row : out) {
                g.writeStartObject();
                for (int j = 0; j < row.length; j++) {
                    g.writeFieldName(d.outputs.get(j).name());
                    writeValue(g, row[j]);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        send(ex, 200, "application/json", buf.toByteArray());
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case Double x -> {
                if (Double.isFinite(x)) {
                    g.writeNumber(x);
                } else {
                    g.writeString(x.toString());
                }
            }
            case Integer x -> g.writeNumber(x);
            case Long x -> g.writeNumber(x);
            case Boolean x -> g.writeBoolean(x);
            case Number x -> g.writeNumber(x.doubleValue());
            default -> g.writeString(v.toString());
        }
    }

    private static void sendCsv(HttpExchange ex, Deployment d, List<Object[]> in, List<Object[]> out) throws IOException {
        StringBuilder sb = new StringBuilder();
        List<String> header = new ArrayList<>(d.inputs.names());
        d.outputs.forEach(f -> header.add(f.name()));
        for (int j = 0; j < header.size(); j++) {
            if (j > 0) {
                sb.append(',');
            }
            CsvText.append(sb, header.get(j));
        }
        sb.append('\n');
        for (int i = 0; i < in.size(); i++) {
            Object[] a = in.get(i);
            for (int j = 0; j < a.length; j++) {
                if (j > 0) {
                    sb.append(',');
                }
                CsvText.append(sb, a[j]);
            }
            for (Object v : out.get(i)) {
                sb.append(',');
                CsvText.append(sb, v);
            }
            sb.append('\n');
        }
        ex.getResponseHeaders().set("X-Model", d.name);
        ex.getResponseHeaders().set("X-Model-Version", Integer.toString(d.version));
        send(ex, 200, "text/csv; charset=utf-8", sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void sendJson(HttpExchange ex, int status, Object value) throws IOException {
        send(ex, status, "application/json", JSON.writeValueAsBytes(value));
    }

    private static void sendError(HttpExchange ex, BadRequest e) throws IOException {
        sendJson(ex, e.status(), Map.of("error", e.getMessage()));
    }

    private static void sendText(HttpExchange ex, int status, String type, String text) throws IOException {
        send(ex, status, type, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    /**
     * Settings of a {@link ModelServer}; {@link #start()} opens it. Every setter documents its default.
     */
    public static final class Builder {
        record Entry(Model model, Schema inputs) {
        }

        private final Map<String, Entry> models = new LinkedHashMap<>();
        private String host;
        private int port = 8080;
        private int backlog = 1024;
        private int maxBatchSize = 256;
        private Duration maxBatchDelay = Duration.ofMillis(2);
        private int maxQueuedRequests = 10_000;
        private long maxBodyBytes = 16L << 20;
        private String memoryLimit = "64m";
        private Spillway session;
        private Scoring scoring = Scoring.AUTO;

        private Builder() {
        }

        /** Serves {@code model} under {@code name}, its input schema inferred ({@link InputSchemas#infer}). */
        public Builder model(String name, Model model) {
            return model(name, model, null);
        }

        /** Serves {@code model} under {@code name}, reading rows of {@code inputs} (null: inferred). */
        public Builder model(String name, Model model, Schema inputs) {
            models.put(Objects.requireNonNull(name, "name"), new Entry(Objects.requireNonNull(model, "model"), inputs));
            return this;
        }

        /** The address to listen on (default: the loopback address; {@code "0.0.0.0"} for every interface). */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The port (default 8080; 0 picks a free one, see {@link ModelServer#port()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be within 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The most rows scored in one batch (default 256); a request with more rows is scored alone. */
        public Builder maxBatchSize(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("maxBatchSize must be at least 1, got " + rows);
            }
            this.maxBatchSize = rows;
            return this;
        }

        /** How long a batch waits for more requests while some are arriving (default 2 ms; zero: never waits). */
        public Builder maxBatchDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("maxBatchDelay must not be negative, got " + delay);
            }
            this.maxBatchDelay = delay;
            return this;
        }

        /** The requests each model's queue holds (default 10,000); beyond them a request gets 503 with Retry-After. */
        public Builder maxQueuedRequests(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxQueuedRequests must be at least 1, got " + n);
            }
            this.maxQueuedRequests = n;
            return this;
        }

        /** The largest request body in bytes (default 16 MiB); a larger one gets 413. */
        public Builder maxBodyBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes must be positive, got " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /** The TCP accept backlog (default 1024). */
        public Builder backlog(int n) {
            this.backlog = n;
            return this;
        }

        /** The memory limit of the session the server opens (default {@code "64m"}); see {@link Spillway.Builder}. */
        public Builder memoryLimit(String size) {
            this.memoryLimit = Objects.requireNonNull(size, "size");
            return this;
        }

        /** Builds frames in {@code session} instead of opening one; the server does not close it. */
        public Builder session(Spillway session) {
            this.session = session;
            return this;
        }

        /** How batches are scored (default {@link Scoring#AUTO}; see {@link Scoring}). */
        public Builder scoring(Scoring scoring) {
            this.scoring = Objects.requireNonNull(scoring, "scoring");
            return this;
        }

        /**
         * Opens the session, deploys the models (version 1 each) and starts listening.
         *
         * @throws MlException if a model's input schema cannot be inferred or it adds no column
         * @throws java.io.UncheckedIOException if the port cannot be bound
         */
        public ModelServer start() {
            if (models.isEmpty()) {
                throw new MlException("ModelServer: no model given; call model(name, model) before start()");
            }
            try {
                return new ModelServer(this);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("Cannot listen on " + (host == null ? "127.0.0.1" : host) + ":" + port + ": "
                        + e.getMessage(), e);
            }
        }
    }
}
