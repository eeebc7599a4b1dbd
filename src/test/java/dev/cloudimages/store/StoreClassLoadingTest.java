package dev.cloudimages.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The schemes are registered as method references into entry classes that name no SDK type, so a
 * run whose stores are all file:// loads no cloud SDK; opening an s3:// store does load the AWS
 * one (so the check itself can fail). Each case runs in a fresh JVM, since this one has loaded
 * every SDK by now.
 */
class StoreClassLoadingTest {

    private static final List<String> SDKS = List.of("software.amazon.awssdk", "com.google.cloud", "com.oracle.bmc");

    @Test
    void aFileStoreLoadsNoCloudSdk(@TempDir Path dir) throws Exception {
        String classes = loaded(dir, "file://" + dir.resolve("store"));
        assertTrue(classes.contains("dev.cloudimages.store.file.FileStore "), "the check sees the store's classes");
        for (String sdk : SDKS) {
            assertFalse(classes.contains(sdk), "a file:// store loaded " + sdk);
        }
    }

    @Test
    void anS3StoreLoadsTheAwsSdkOnly(@TempDir Path dir) throws Exception {
        String classes = loaded(dir, "s3://bucket/prefix");
        assertTrue(classes.contains("software.amazon.awssdk"), "an s3:// store uses the AWS SDK");
        assertFalse(classes.contains("com.google.cloud"));
        assertFalse(classes.contains("com.oracle.bmc"));
    }

    /** The class-load log of a JVM that opens the store at {@code url} and lists it. */
    private static String loaded(Path dir, String url) throws Exception {
        Path log = dir.resolve("classes.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xlog:class+load=info:file=" + log,
                "-cp", System.getProperty("java.class.path"), OpenStore.class.getName(), url)
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile());
        // no region and no credentials: the s3:// store fails to open, after loading the SDK
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        builder.environment().put("AWS_CONFIG_FILE", "/nonexistent");
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the JVM ended");
        assertEquals(0, process.exitValue(), Files.readString(dir.resolve("out.txt")));
        return Files.readString(log);
    }

    /** Opens and lists a store the way a run does; a store that cannot open is fine here. */
    public static final class OpenStore {
        public static void main(String[] args) {
            try {
                ArtifactStores.shipped(Map.of("AWS_CONFIG_FILE", "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE",
                        "/nonexistent")).open(StoreUrl.parse(args[0], "test")).list("");
            } catch (RuntimeException e) {
                System.out.println(e.getMessage());
            }
        }
    }
}
