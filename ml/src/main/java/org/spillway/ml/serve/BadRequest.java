package org.spillway.ml.serve;

/** A request the server refuses: the HTTP status and a message naming the problem, sent as {@code {"error": ...}}. */
final class BadRequest extends RuntimeException {
    private final int status;

    BadRequest(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The HTTP status (400, 404, 405, 413, 415, 503). */
    int status() {
        return status;
    }
}
