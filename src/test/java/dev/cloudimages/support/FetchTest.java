package dev.cloudimages.support;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A download whose body stops coming is ended, not waited on forever; nothing is left at the target. */
class FetchTest {

    @TempDir
    Path dir;

    @Test
    void aStalledDownloadFailsAndLeavesNothing() throws Exception {
        Duration before = Fetch.stall;
        Fetch.stall = Duration.ofSeconds(1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread stalling = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + "x".repeat(1000))
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(30_000);
                } catch (Exception ignored) {
                    // the client hung up
                }
            });
            stalling.setDaemon(true);
            stalling.start();
            Log log = new Log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, false);
            Path target = dir.resolve("file.iso");

            Fetch.Failure failure = assertThrows(Fetch.Failure.class, () -> Fetch.toFile(
                    "http://127.0.0.1:" + server.getLocalPort() + "/file.iso", target, log));

            assertTrue(failure.getMessage().startsWith("the transfer stalled"), failure.getMessage());
            assertFalse(Files.exists(target));
            try (var files = Files.list(dir)) {
                assertFalse(files.findAny().isPresent(), "no partial file left");
            }
        } finally {
            Fetch.stall = before;
        }
    }

    @Test
    void aTricklingServerIsCutOffAtTheTotalDeadline() throws Exception {
        Duration stallBefore = Fetch.stall;
        Duration deadlineBefore = Fetch.textDeadline;
        Fetch.stall = Duration.ofSeconds(1);
        Fetch.textDeadline = Duration.ofSeconds(2);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread trickling = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    OutputStream out = socket.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 1000; i++) { // a byte every 300 ms: never stalled, never done
                        out.write('x');
                        out.flush();
                        Thread.sleep(300);
                    }
                } catch (Exception ignored) {
                    // the client hung up
                }
            });
            trickling.setDaemon(true);
            trickling.start();
            long started = System.nanoTime();

            Fetch.Failure failure = assertThrows(Fetch.Failure.class,
                    () -> Fetch.text("http://127.0.0.1:" + server.getLocalPort() + "/releases.json"));

            assertEquals("the transfer did not finish within 2 s (the server sends too slowly)", failure.getMessage());
            assertTrue(System.nanoTime() - started < 10_000_000_000L, "ended near the deadline");
        } finally {
            Fetch.stall = stallBefore;
            Fetch.textDeadline = deadlineBefore;
        }
    }
}
