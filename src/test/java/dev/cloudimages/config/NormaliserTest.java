package dev.cloudimages.config;

import dev.cloudimages.support.BuildException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NormaliserTest {

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private static Map<String, Object> normalise(Map<String, Object> state) {
        new Normaliser("v").normalise(state);
        return state;
    }

    @Test
    void nameJoinsWithDashAndDescriptionWithSpace() {
        Map<String, Object> s = normalise(ordered("name", new ArrayList<>(List.of("alpine", "3.22.4", "x86_64")),
                "description", List.of("Alpine", "Linux")));
        assertEquals("alpine-3.22.4-x86_64", s.get("name"));
        assertEquals("Alpine Linux", s.get("description"));
    }

    @Test
    void reposEnableCommentOrTag() {
        Map<String, Object> s = normalise(ordered("repos", ordered(
                "http://m/main", true, "http://m/testing", false, "http://m/edge", "edge")));
        assertEquals("http://m/main\n#http://m/testing\n@edge http://m/edge", s.get("repos"));
    }

    @Test
    void packagesSplitIntoAddDelAndNoScripts() {
        Map<String, Object> s = normalise(ordered("packages", ordered(
                "a", true, "b", false, "c", "testing", "grub-efi", "--no-scripts", "d", "--no-scripts edge")));
        assertEquals(ordered("add", "a c@testing", "del", "b", "noscripts", "grub-efi d@edge"), s.get("packages"));
    }

    @Test
    void servicesBecomeEnableAndDisableStringsPerRunlevel() {
        Map<String, Object> s = normalise(ordered("services", ordered(
                "sysinit", ordered("devfs", true, "mdev", true),
                "default", ordered("sshd", true, "telnet", false),
                "boot", ordered("old", false))));
        assertEquals(ordered("enable", "sysinit=devfs,mdev default=sshd", "disable", "default=telnet boot=old"),
                s.get("services"));
    }

    @Test
    void kernelSettingsKeepOnlyTrueKeys() {
        Map<String, Object> s = normalise(ordered(
                "kernel_modules", ordered("ena", true, "nvme", true, "off", false),
                "kernel_options", ordered("console=ttyS0", true, "quiet", false, "nomodeset", true),
                "initfs_features", ordered("base", true, "nvme", true)));
        assertEquals("ena,nvme", s.get("kernel_modules"));
        assertEquals("console=ttyS0 nomodeset", s.get("kernel_options"));
        assertEquals("base nvme", s.get("initfs_features"));
    }

    @Test
    void motdJoinsParagraphsAndDropsReleaseNotesWithoutNotes() {
        Map<String, Object> s = normalise(ordered("motd", ordered(
                "hello", "Hi", "lines", List.of("one", "two"), "release_notes", "see {release_notes}")));
        assertEquals("Hi\n\none\ntwo", s.get("motd"));
        Map<String, Object> withNotes = normalise(ordered("release_notes", "http://n",
                "motd", ordered("release_notes", "see {release_notes}")));
        assertEquals("see {release_notes}", withNotes.get("motd"));
    }

    @Test
    void wrongValueTypesAreClearErrors() {
        BuildException e = assertThrows(BuildException.class,
                () -> normalise(ordered("packages", ordered("foo", 3L))));
        assertTrue(e.getMessage().contains("packages.foo must be true, false, null"), e.getMessage());
        assertThrows(BuildException.class, () -> normalise(ordered("services", ordered("default", true))));
        assertThrows(BuildException.class, () -> normalise(ordered("repos", "http://m")));
    }
}
