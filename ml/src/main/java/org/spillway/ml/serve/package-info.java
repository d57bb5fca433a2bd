/**
 * Serving models over HTTP: {@link org.spillway.ml.serve.ModelServer} puts fitted models behind
 * {@code POST /v1/models/{name}/predict}, scored by the models' compiled row kernels or micro-batched (one
 * {@code transform} per batch of queued requests; {@link org.spillway.ml.serve.Scoring}),
 * versioned hot swaps ({@link org.spillway.ml.serve.ModelServer#deploy}), backpressure (a bounded queue per model,
 * 503 with {@code Retry-After} when full), Prometheus metrics and a graceful stop.
 *
 * <p>A package of its own, above {@code org.spillway.ml}: it uses the models, {@code ModelIO} and the frame API
 * and nothing in {@code org.spillway.ml} uses it, so the learners and the model format do not carry an HTTP server,
 * and the architecture test's layering (no package cycles; ml only through frame's public API) holds. The HTTP
 * server is the JDK's {@code com.sun.net.httpserver} (no new dependency) and the JSON library Jackson, which the
 * model format already uses.
 */
package org.spillway.ml.serve;
