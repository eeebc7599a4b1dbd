package dev.cloudimages.local;

import dev.cloudimages.plan.InputHash;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The files the tool itself puts into every builder VM: the payload runner and the Alpine boot
 * hook. Listed by name (no classpath scanning, so the native image needs only these resources).
 */
public final class BuilderResources {

    static final String BASE = "/dev/cloudimages/local/";
    static final String RUNNER = "payload/run";

    /** Hook files, relative to alpine-hook/, packed into the apkovl as they are named. */
    static final List<String> HOOK_FILES = List.of("etc/apk/world", "etc/hostname", "etc/local.d/build.start",
            "etc/network/interfaces");

    /**
     * OpenRC services the live builder starts, as "runlevel/service". They become symlinks in the
     * apkovl; resources cannot hold symlinks (Maven drops them and jars have none).
     */
    static final List<String> HOOK_SERVICES = List.of("sysinit/devfs", "sysinit/dmesg", "sysinit/mdev",
            "sysinit/hwdrivers", "sysinit/modloop", "boot/modules", "boot/hostname", "boot/bootmisc", "boot/syslog",
            "default/networking", "default/local", "shutdown/killprocs", "shutdown/mount-ro");

    private BuilderResources() {
    }

    public static byte[] read(String name) {
        try (InputStream in = BuilderResources.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + BASE + name + " is missing from this build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything of the builder's own that shapes an image, for the plan's input hash. */
    public static List<InputHash.BuilderInput> hashInputs() {
        List<InputHash.BuilderInput> inputs = new ArrayList<>();
        inputs.add(new InputHash.BuilderInput(RUNNER, read(RUNNER)));
        for (String file : HOOK_FILES) {
            inputs.add(new InputHash.BuilderInput("alpine-hook/" + file, read("alpine-hook/" + file)));
        }
        inputs.add(new InputHash.BuilderInput("alpine-hook services",
                String.join("\n", HOOK_SERVICES).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return inputs;
    }
}
