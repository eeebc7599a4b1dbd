package dev.cloudimages.report;

import dev.cloudimages.cloud.ReleaseHooks;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReportingHooksTest {

    /**
     * ReportingHooks wraps the release's hooks; a hook it does not pass on falls to the interface's
     * default and the store never hears of it (a release was once skipped without a word that way).
     */
    @Test
    void everyHookIsPassedOnToTheReleaseNotLeftToTheInterfaceDefault() {
        List<String> notPassedOn = Arrays.stream(ReleaseHooks.class.getDeclaredMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()) && !Modifier.isPrivate(m.getModifiers()))
                .filter(m -> !declares(m))
                .map(Method::getName).sorted().toList();
        assertEquals(List.of(), notPassedOn);
    }

    private static boolean declares(Method hook) {
        try {
            ReportingHooks.class.getDeclaredMethod(hook.getName(), hook.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
