package dev.cloudimages.testing.aws;

import java.util.concurrent.CountDownLatch;

/**
 * Starts {@link FakeAws} on 127.0.0.1 and prints {@code export VAR=value} lines that point {@code ./build} (or the
 * AWS CLI) at it, then serves until killed; SIGTERM and SIGINT stop it cleanly. FAKE_AWS_BLOCK_DELAY_MS slows
 * every snapshot block by that long.
 */
public final class FakeAwsMain {
    private FakeAwsMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        // s3proxy logs through JBoss LogManager; JUL must know before anything logs
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        FakeAws aws = FakeAws.start();
        // a slow link, so that a test can kill an import in the middle of its upload
        String delay = System.getenv("FAKE_AWS_BLOCK_DELAY_MS");
        if (delay != null && !delay.isBlank()) {
            aws.delayBlocks(java.time.Duration.ofMillis(Long.parseLong(delay.trim())));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            aws.close();
            stopped.countDown();
        }, "fake-aws-stop"));
        // a comment first: Maven may print a colour reset just before the program's first line
        System.out.println("# fake AWS account " + aws.accountId() + ", regions " + aws.regionNames()
                + "; stop it with Ctrl-C or kill");
        aws.env().forEach((name, value) -> System.out.println("export " + name + "=" + value));
        System.out.println("export AWS_EC2_METADATA_DISABLED=true");
        System.out.flush();
        stopped.await();
    }
}
