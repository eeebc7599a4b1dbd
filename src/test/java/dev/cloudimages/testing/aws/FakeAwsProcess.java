package dev.cloudimages.testing.aws;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link FakeAwsMain} in a JVM of its own, as docs/fakes.md starts it: for tests whose CLI runs are
 * separate processes (CI jobs) that only get the {@code export} lines it prints.
 */
public final class FakeAwsProcess implements AutoCloseable {

    private final Process process;
    private final Map<String, String> env;

    private FakeAwsProcess(Process process, Map<String, String> env) {
        this.process = process;
        this.env = env;
    }

    /** Starts it and waits for its export lines; {@code blockDelayMillis} slows every snapshot block. */
    public static FakeAwsProcess start(Path log, long blockDelayMillis) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-Daws.disableEc2Metadata=true",
                "-cp", System.getProperty("java.class.path"), FakeAwsMain.class.getName())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("FAKE_AWS_BLOCK_DELAY_MS", Long.toString(blockDelayMillis));
        Process process = builder.start();
        Map<String, String> env = new LinkedHashMap<>();
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.startsWith("export ")) {
                String assignment = line.substring("export ".length());
                int equals = assignment.indexOf('=');
                env.put(assignment.substring(0, equals), assignment.substring(equals + 1));
                if (env.containsKey("AWS_EC2_METADATA_DISABLED")) {
                    break; // the last line it prints
                }
            }
        }
        if (!env.containsKey("AWS_EC2_METADATA_DISABLED")) {
            process.destroyForcibly();
            throw new IOException("the fake AWS process printed no environment; see " + log);
        }
        Thread drain = new Thread(() -> {
            try {
                lines.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // it stopped
            }
        }, "fake-aws-stdout");
        drain.setDaemon(true);
        drain.start();
        return new FakeAwsProcess(process, env);
    }

    /** The export lines: endpoints, keys, AWS_REGION. */
    public Map<String, String> env() {
        return Map.copyOf(env);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: its shutdown hook stops the servers
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
