package dev.cloudimages.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Enough of a qcow2 for OCI's format check (the fake checks the magic): the magic, then random data. */
public final class Qcow2Stub {

    private Qcow2Stub() {
    }

    /** Writes {@code mib} MiB (a few of OCI's 1 MiB test parts) starting with the qcow2 magic. */
    public static Path write(Path file, int mib) throws IOException {
        byte[] data = new byte[mib << 20];
        new Random(5).nextBytes(data);
        data[0] = 'Q';
        data[1] = 'F';
        data[2] = 'I';
        data[3] = (byte) 0xfb;
        return Files.write(file, data);
    }
}
