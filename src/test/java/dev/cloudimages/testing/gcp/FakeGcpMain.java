package dev.cloudimages.testing.gcp;

import java.util.concurrent.CountDownLatch;

/**
 * Starts {@link FakeGcp} on 127.0.0.1 and prints {@code export VAR=value} lines that point
 * {@code ./build} at it, then serves until killed; SIGTERM and SIGINT stop it cleanly.
 */
public final class FakeGcpMain {
    private FakeGcpMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        FakeGcp gcp = FakeGcp.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gcp.close();
            stopped.countDown();
        }, "fake-gcp-stop"));
        gcp.env().forEach((name, value) -> System.out.println("export " + name + "=" + value));
        System.out.println("# fake GCP project " + FakeGcp.PROJECT + ", bucket " + FakeGcp.BUCKET
                + "; stop it with Ctrl-C or kill");
        System.out.flush();
        stopped.await();
    }
}
