package dev.cloudimages.testing.oci;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Starts {@link FakeOci} on 127.0.0.1, writes an OCI config file with a throwaway key into a
 * temporary directory and prints {@code export VAR=value} lines that point {@code ./build} at
 * them, then serves until killed; SIGTERM and SIGINT stop it cleanly.
 */
public final class FakeOciMain {
    private FakeOciMain() {
    }

    public static void main(String[] args) throws Exception {
        FakeOci oci = FakeOci.start();
        // the fake tenancy's config file and private key: in the directory given (the demo's own
        // temporary directory), else in a new one removed when the fake stops
        boolean ours = args.length == 0;
        Path dir = ours ? Files.createTempDirectory("fake-oci") : Files.createDirectories(Path.of(args[0]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            oci.close();
            if (ours) {
                try {
                    dev.cloudimages.support.FileTrees.deleteRecursively(dir);
                } catch (java.io.IOException ignored) {
                    // a temporary directory: the system's clean-up takes it
                }
            }
            stopped.countDown();
        }, "fake-oci-stop"));
        oci.env(dir, FakeOci.REGIONS.get(0)).forEach((name, value) -> System.out.println("export " + name + "='" + value + "'"));
        System.out.println("# fake OCI tenancy " + FakeOci.TENANCY + ", compartment " + FakeOci.COMPARTMENT + ", bucket "
                + FakeOci.BUCKET + ", regions " + FakeOci.REGIONS + "; stop it with Ctrl-C or kill");
        System.out.flush();
        stopped.await();
    }
}
