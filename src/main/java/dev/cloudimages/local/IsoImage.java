package dev.cloudimages.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Reads files out of an ISO 9660 image without mounting it (no root needed): the builder boots
 * the ISO's kernel and initramfs directly. Names are looked up through Joliet when present, else
 * through Rock Ridge, else the plain ISO 9660 names (case-insensitive, version suffix dropped).
 */
public final class IsoImage implements AutoCloseable {

    private static final int SECTOR = 2048;

    private record Entry(long extent, long size, boolean directory) {
    }

    private final FileChannel channel;
    private final Entry root;
    private final boolean joliet;

    private IsoImage(FileChannel channel, Entry root, boolean joliet) {
        this.channel = channel;
        this.root = root;
        this.joliet = joliet;
    }

    public static IsoImage open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            Entry primary = null;
            Entry jolietRoot = null;
            for (int sector = 16; sector < 64; sector++) {
                ByteBuffer descriptor = read(channel, (long) sector * SECTOR, SECTOR);
                int type = descriptor.get(0) & 0xff;
                String magic = new String(descriptor.array(), 1, 5, StandardCharsets.US_ASCII);
                if (!magic.equals("CD001")) {
                    throw new IOException("not an ISO 9660 image (no volume descriptor at sector " + sector + ")");
                }
                if (type == 255) {
                    break;
                }
                Entry rootRecord = record(descriptor, 156);
                if (type == 1) {
                    primary = rootRecord;
                } else if (type == 2 && descriptor.get(88) == 0x25 && descriptor.get(89) == 0x2f) {
                    jolietRoot = rootRecord;
                }
            }
            if (primary == null && jolietRoot == null) {
                throw new IOException("not an ISO 9660 image (no primary volume descriptor)");
            }
            return jolietRoot != null ? new IsoImage(channel, jolietRoot, true) : new IsoImage(channel, primary, false);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Copies {@code path} ("boot/vmlinuz-virt") to {@code out}; false when the image has no such file. */
    public boolean copy(String path, OutputStream out) throws IOException {
        Optional<Entry> entry = find(path);
        if (entry.isEmpty() || entry.get().directory()) {
            return false;
        }
        long position = entry.get().extent() * SECTOR;
        long remaining = entry.get().size();
        while (remaining > 0) {
            int chunk = (int) Math.min(remaining, 1 << 20);
            ByteBuffer buffer = read(channel, position, chunk);
            out.write(buffer.array(), 0, chunk);
            position += chunk;
            remaining -= chunk;
        }
        return true;
    }

    Optional<Entry> find(String path) throws IOException {
        Entry current = root;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!current.directory()) {
                return Optional.empty();
            }
            Optional<Entry> child = child(current, part);
            if (child.isEmpty()) {
                return Optional.empty();
            }
            current = child.get();
        }
        return Optional.of(current);
    }

    private Optional<Entry> child(Entry directory, String name) throws IOException {
        ByteBuffer data = read(channel, directory.extent() * SECTOR, (int) directory.size());
        int offset = 0;
        while (offset < directory.size()) {
            int length = data.get(offset) & 0xff;
            if (length == 0) {
                offset = (offset / SECTOR + 1) * SECTOR; // records never cross a sector
                continue;
            }
            int nameLength = data.get(offset + 32) & 0xff;
            byte[] raw = new byte[nameLength];
            data.get(offset + 33, raw);
            boolean special = nameLength == 1 && (raw[0] == 0 || raw[0] == 1);
            if (!special && matches(name, raw, data, offset, length, nameLength)) {
                return Optional.of(record(data, offset));
            }
            offset += length;
        }
        return Optional.empty();
    }

    private boolean matches(String wanted, byte[] raw, ByteBuffer data, int offset, int length, int nameLength) {
        if (joliet) {
            return stripVersion(new String(raw, StandardCharsets.UTF_16BE)).equals(wanted);
        }
        Optional<String> rockRidge = rockRidgeName(data, offset, length, nameLength);
        if (rockRidge.isPresent()) {
            return rockRidge.get().equals(wanted);
        }
        String plain = stripVersion(new String(raw, StandardCharsets.US_ASCII));
        return plain.equalsIgnoreCase(wanted) || plain.equalsIgnoreCase(wanted.replace('-', '_'));
    }

    /** The Rock Ridge "NM" entry in a record's system use area, when there is one. */
    private static Optional<String> rockRidgeName(ByteBuffer data, int offset, int length, int nameLength) {
        int position = offset + 33 + nameLength + (nameLength % 2 == 0 ? 1 : 0);
        int end = offset + length;
        StringBuilder name = new StringBuilder();
        boolean found = false;
        while (position + 4 <= end) {
            String signature = new String(new byte[]{data.get(position), data.get(position + 1)}, StandardCharsets.US_ASCII);
            int entryLength = data.get(position + 2) & 0xff;
            if (entryLength < 4 || position + entryLength > end) {
                break;
            }
            if (signature.equals("NM") && entryLength > 5) {
                byte[] part = new byte[entryLength - 5];
                data.get(position + 5, part);
                name.append(new String(part, StandardCharsets.UTF_8));
                found = true;
            }
            position += entryLength;
        }
        return found ? Optional.of(name.toString()) : Optional.empty();
    }

    private static String stripVersion(String name) {
        int semicolon = name.indexOf(';');
        String base = semicolon < 0 ? name : name.substring(0, semicolon);
        return base.endsWith(".") ? base.substring(0, base.length() - 1) : base;
    }

    private static Entry record(ByteBuffer data, int offset) {
        ByteBuffer little = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long extent = Integer.toUnsignedLong(little.getInt(offset + 2));
        long size = Integer.toUnsignedLong(little.getInt(offset + 10));
        boolean directory = (data.get(offset + 25) & 0x02) != 0;
        return new Entry(extent, size, directory);
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("truncated ISO image: wanted " + length + " bytes at " + position);
            }
        }
        buffer.flip();
        return buffer;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
