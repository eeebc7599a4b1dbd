package dev.cloudimages.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * The Alpine boot hook as an "apkovl" (a gzipped tar Alpine's initramfs unpacks over / before
 * OpenRC starts): the hook files, plus one runlevel symlink per service, written here because
 * resources cannot carry symlinks. Entries have fixed owners and times, so the bytes are stable.
 */
final class Apkovl {

    private Apkovl() {
    }

    static byte[] build() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            Set<String> dirs = new LinkedHashSet<>();
            for (String file : BuilderResources.HOOK_FILES) {
                parents(file, dirs);
            }
            for (String service : BuilderResources.HOOK_SERVICES) {
                parents("etc/runlevels/" + service, dirs);
            }
            for (String dir : dirs) {
                entry(gzip, dir + "/", '5', 0755, new byte[0], "");
            }
            for (String file : BuilderResources.HOOK_FILES) {
                int mode = file.startsWith("etc/local.d/") ? 0755 : 0644;
                entry(gzip, file, '0', mode, BuilderResources.read("alpine-hook/" + file), "");
            }
            for (String service : BuilderResources.HOOK_SERVICES) {
                String name = service.substring(service.indexOf('/') + 1);
                entry(gzip, "etc/runlevels/" + service, '2', 0777, new byte[0], "/etc/init.d/" + name);
            }
            gzip.write(new byte[1024]); // end of archive: two zero blocks
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void parents(String path, Set<String> dirs) {
        int slash = path.indexOf('/');
        while (slash > 0) {
            dirs.add(path.substring(0, slash));
            slash = path.indexOf('/', slash + 1);
        }
    }

    /** One ustar header (and the content, padded to 512 bytes). */
    private static void entry(GZIPOutputStream out, String name, char type, int mode, byte[] content, String link)
            throws IOException {
        byte[] header = new byte[512];
        put(header, 0, 100, name);
        put(header, 100, 8, octal(mode, 7));
        put(header, 108, 8, octal(0, 7));
        put(header, 116, 8, octal(0, 7));
        put(header, 124, 12, octal(content.length, 11));
        put(header, 136, 12, octal(0, 11));
        java.util.Arrays.fill(header, 148, 156, (byte) ' ');
        header[156] = (byte) type;
        put(header, 157, 100, link);
        put(header, 257, 6, "ustar");
        put(header, 263, 2, "00");
        put(header, 265, 32, "root");
        put(header, 297, 32, "root");
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, 8, octal(sum, 6) + "\0 ");
        out.write(header);
        out.write(content);
        int pad = (512 - content.length % 512) % 512;
        out.write(new byte[pad]);
    }

    private static String octal(long value, int digits) {
        String text = Long.toOctalString(value);
        return "0".repeat(Math.max(0, digits - text.length())) + text;
    }

    private static void put(byte[] header, int offset, int length, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length));
    }
}
