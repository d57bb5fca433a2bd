package org.spillway.frame.testkit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.spillway.frame.Spillway;

/**
 * Gives tests {@link Spillway} sessions and always closes them: fills instance fields of type
 * {@code Spillway} or {@link SpillwaySessions} before each test, resolves parameters of those
 * types (test methods, {@code @BeforeEach} and {@code @BeforeAll} methods), and closes the
 * sessions after the test, or after the class for {@code @BeforeAll}. Closing runs the session's
 * leak check (pinned chunks, reserved memory) and checks that no spill file is left, so a test
 * that leaks fails even when its own assertions passed.
 *
 * <p>Settings come from {@link SpillwayTest} on the method, else on the class, else its defaults.
 * Use it through {@code @SpillwayTest}, or with {@code @ExtendWith(SpillwaySessionExtension.class)}.
 */
public final class SpillwaySessionExtension implements BeforeEachCallback, AfterEachCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SpillwaySessionExtension.class);
    private static final String KEY = "sessions";

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Object instance = context.getRequiredTestInstance();
        for (Class<?> c = instance.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || Modifier.isFinal(f.getModifiers())) {
                    continue;
                }
                if (f.getType() == Spillway.class || f.getType() == SpillwaySessions.class) {
                    f.setAccessible(true);
                    f.set(instance, f.getType() == Spillway.class ? sessions(context).open() : sessions(context));
                }
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        closeSessions(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeSessions(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> t = parameter.getParameter().getType();
        return t == Spillway.class || t == SpillwaySessions.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        SpillwaySessions s = sessions(context);
        return parameter.getParameter().getType() == Spillway.class ? s.open() : s;
    }

    /** The sessions of this context: one set per test, or per class for {@code @BeforeAll}. */
    private static SpillwaySessions sessions(ExtensionContext context) {
        // getStore(...) of a method context inherits the class's values; keep each level's own set
        String key = KEY + ":" + context.getUniqueId();
        return context.getStore(NS).getOrComputeIfAbsent(key, k -> new SpillwaySessions(settings(context)), SpillwaySessions.class);
    }

    private static void closeSessions(ExtensionContext context) {
        SpillwaySessions s = context.getStore(NS).remove(KEY + ":" + context.getUniqueId(), SpillwaySessions.class);
        if (s != null) {
            s.close(); // a leak shows as this test's (or class's) failure
        }
    }

    private static SpillwaySessions.Settings settings(ExtensionContext context) {
        Optional<SpillwayTest> a = context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, SpillwayTest.class));
        if (a.isEmpty()) {
            a = context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, SpillwayTest.class));
        }
        return a.map(SpillwaySessions.Settings::of).orElse(new SpillwaySessions.Settings("64m", 2, 0));
    }
}
