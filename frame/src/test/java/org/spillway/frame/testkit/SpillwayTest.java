package org.spillway.frame.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class (or method) whose tests get {@link org.spillway.frame.Spillway} sessions
 * from {@link SpillwaySessionExtension}, with these settings. Instance fields of type
 * {@code Spillway} or {@link SpillwaySessions} are filled in before each test, and test or
 * lifecycle method parameters of those types are resolved; every session is closed after the test
 * (after the class for {@code @BeforeAll} parameters), so the session's leak check always runs.
 *
 * <p>A method's annotation overrides its class's. The defaults suit a small in-memory test.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(SpillwaySessionExtension.class)
public @interface SpillwayTest {
    /** The session's memory budget, e.g. {@code "64m"}. */
    String memoryLimit() default "64m";

    /** Worker threads; 2 by default so that every test runs something in parallel. */
    int parallelism() default 2;

    /** Target rows per chunk; 0 leaves the session's default. */
    int chunkRows() default 0;
}
