package dev.cloudimages.report;

import dev.cloudimages.cloud.ReleaseHooks;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * ReportingHooks wraps the store's hooks for every step that writes a document: a hook it does
 * not pass on silently does nothing (the interface's defaults are no-ops). That happened to
 * {@code releasing} and {@code release} when the release branch met the --output branch, and
 * {@code release} marked nothing released and moved no latest pointer.
 */
class ReportingHooksTest {

    @Test
    void everyHookIsPassedOn() throws Exception {
        List<String> missing = new ArrayList<>();
        for (Method hook : ReleaseHooks.class.getMethods()) {
            if (Modifier.isStatic(hook.getModifiers())) {
                continue;
            }
            Method own = ReportingHooks.class.getMethod(hook.getName(), hook.getParameterTypes());
            if (own.getDeclaringClass() != ReportingHooks.class) {
                missing.add(hook.getName());
            }
        }
        assertEquals(List.of(), missing, "ReleaseHooks methods ReportingHooks does not pass on to its delegate");
    }
}
