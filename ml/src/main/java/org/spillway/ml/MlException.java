package org.spillway.ml;

import org.spillway.frame.SpillwayException;

/** A learner, transformer, evaluator or model file was given something it cannot use; the message says what and where. */
public class MlException extends SpillwayException {
    private static final long serialVersionUID = 1L;

    /** An error with a message. */
    public MlException(String message) {
        super(message);
    }

    /** An error with a message and a cause. */
    public MlException(String message, Throwable cause) {
        super(message, cause);
    }
}
