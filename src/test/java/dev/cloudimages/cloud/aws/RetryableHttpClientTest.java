package dev.cloudimages.cloud.aws;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A server that drops the connection of a PutObject after its headers (what a kept-alive
 * connection closed by the server meanwhile looks like to the client) and answers the next one.
 */
class RetryableHttpClientTest {

    private ServerSocket server;
    private Thread serving;
    private final AtomicInteger connections = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        serving = new Thread(this::serve, "dropping-s3");
        serving.setDaemon(true);
        serving.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        serving.join(5000);
    }

    @Test
    void aConnectionDroppedBeforeTheAnswerIsRetriedByTheSdk() {
        try (S3Client s3 = client(new RetryableHttpClient(UrlConnectionHttpClient.create()))) {
            s3.putObject(b -> b.bucket("images").key("a.yaml"), RequestBody.fromString("a: 1"));
        }
        assertEquals(2, connections.get(), "the dropped request was sent again");
    }

    /** Why the wrapper exists: without it the SDK gives up at once. When this fails, the SDK retries by itself. */
    @Test
    void theSdksOwnClientDoesNotRetryIt() {
        try (S3Client s3 = client(UrlConnectionHttpClient.create())) {
            assertThrows(UncheckedIOException.class, () -> s3.putObject(b -> b.bucket("images").key("a.yaml"),
                    RequestBody.fromString("a: 1")));
        }
        assertEquals(1, connections.get());
    }

    private S3Client client(SdkHttpClient http) {
        return S3Client.builder().httpClient(http).region(Region.US_EAST_1).forcePathStyle(true)
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getLocalPort()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                .build();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                int n = connections.incrementAndGet();
                InputStream in = socket.getInputStream();
                String head = head(in);
                if (n == 1) {
                    continue; // dropped without an answer
                }
                OutputStream out = socket.getOutputStream();
                if (head.toLowerCase(Locale.ROOT).contains("\r\nexpect: 100-continue")) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                in.readNBytes(contentLength(head));
                out.write(("HTTP/1.1 200 OK\r\nETag: \"0\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // closed by the test
            }
        }
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return 0;
    }
}
