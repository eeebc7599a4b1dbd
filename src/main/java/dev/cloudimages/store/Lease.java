package dev.cloudimages.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;
import dev.cloudimages.support.TemporaryFailure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * One machine's claim on one build in a store, so two machines on one release never import or
 * publish the same image twice. Taken with the store's conditional create; held by another and
 * not expired, the step stops with exit 75 naming the holder and its age; expired (a machine that
 * died), it is taken over with a compare-and-swap and logged. Expiry uses the real clock, never
 * SOURCE_DATE_EPOCH: it is about machines alive now, not about what a build writes.
 */
public final class Lease implements AutoCloseable {

    /** Who holds a lease, since when and until when. */
    public record Holder(String owner, String token, Instant acquired, Instant expires) {

        byte[] toBytes() {
            return ("owner: \"" + owner.replace("\"", "'") + "\"\ntoken: " + token + "\nacquired: " + acquired
                    + "\nexpires: " + expires + "\n").getBytes(StandardCharsets.UTF_8);
        }

        static Optional<Holder> parse(byte[] content) {
            try {
                JsonNode node = ConfigsYaml.mapper().readTree(content);
                return Optional.of(new Holder(node.path("owner").asText("unknown"), node.path("token").asText(""),
                        Instant.parse(node.path("acquired").asText()), Instant.parse(node.path("expires").asText())));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ArtifactStore store;
    private final String name;
    private final Duration ttl;
    private final InstantSource clock;
    private Holder holder;

    private Lease(ArtifactStore store, String name, Duration ttl, InstantSource clock, Holder holder) {
        this.store = store;
        this.name = name;
        this.ttl = ttl;
        this.clock = clock;
        this.holder = holder;
    }

    /**
     * Takes the lease {@code name} for {@code owner} ("user@host pid 123"), or throws a
     * {@link TemporaryFailure} naming the holder when another machine has it.
     */
    public static Lease acquire(ArtifactStore store, String name, String owner, Duration ttl, InstantSource clock,
                                Log log, String what) {
        Instant now = clock.instant();
        Holder mine = new Holder(owner, Long.toUnsignedString(RANDOM.nextLong(), 36), now, now.plus(ttl));
        for (int attempt = 0; attempt < 3; attempt++) {
            if (store.createIfAbsent(name, mine.toBytes())) {
                return new Lease(store, name, ttl, clock, mine);
            }
            Optional<StoredObject> existing = store.stat(name);
            Optional<byte[]> content = store.read(name);
            if (existing.isEmpty() || content.isEmpty()) {
                continue; // released between our create and our look: try again
            }
            Optional<Holder> other = Holder.parse(content.get());
            if (other.isPresent() && other.get().expires().isAfter(now)) {
                throw new TemporaryFailure(what + " is being worked on by " + other.get().owner() + " (lease "
                        + store.url() + "/" + name + ", taken " + age(Duration.between(other.get().acquired(), now))
                        + " ago, expires in " + age(Duration.between(now, other.get().expires()))
                        + "); run this again when it is done");
            }
            if (store.replaceIfUnchanged(name, existing.get().version(), mine.toBytes())) {
                log.warn("%s: took over the lease %s/%s %s", what, store.url(), name, other
                        .map(h -> "of " + h.owner() + ", expired " + age(Duration.between(h.expires(), now)) + " ago")
                        .orElse("(it did not parse)"));
                return new Lease(store, name, ttl, clock, mine);
            }
        }
        throw new TemporaryFailure(what + ": another machine is taking the lease " + store.url() + "/" + name
                + " at the same time; run this again");
    }

    /** Pushes the expiry out (long imports and publishes renew as they go). */
    public synchronized void renew() {
        Optional<StoredObject> existing = store.stat(name);
        Optional<Holder> current = store.read(name).flatMap(Holder::parse);
        if (existing.isEmpty() || current.isEmpty() || !current.get().token().equals(holder.token())) {
            throw new BuildException("lost the lease " + store.url() + "/" + name + " (another machine took it "
                    + "over after it expired); stopping so that two machines do not work on one image");
        }
        Holder renewed = new Holder(holder.owner(), holder.token(), holder.acquired(), clock.instant().plus(ttl));
        if (store.replaceIfUnchanged(name, existing.get().version(), renewed.toBytes())) {
            holder = renewed;
        }
    }

    /** Releases the lease if it is still ours. */
    @Override
    public synchronized void close() {
        Optional<Holder> current = store.read(name).flatMap(Holder::parse);
        if (current.isPresent() && current.get().token().equals(holder.token())) {
            store.delete(name);
        }
    }

    static String age(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7200) {
            return seconds / 60 + " min";
        }
        return seconds / 3600 + " h";
    }
}
