package dev.cloudimages.testing.aws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * Reads the disk images ImportSnapshot accepts into volume blocks: RAW, and VHD (fixed or dynamic, as
 * {@code qemu-img convert -O vpc} writes them). A disk it cannot read raises {@link IllegalArgumentException} with
 * the reason, which becomes the import task's "ClientError" status message.
 */
final class DiskImages {
    private static final int SECTOR = 512;
    private static final byte[] ZERO_BLOCK = new byte[AwsState.BLOCK_SIZE];

    /** A disk's virtual size and its non-zero 512 KiB blocks. */
    record Volume(long size, TreeMap<Long, byte[]> blocks) {
        int sizeGiB() {
            return (int) Math.max(1, (size + AwsState.GIB - 1) / AwsState.GIB);
        }
    }

    private DiskImages() {
    }

    static Volume read(String format, byte[] file) {
        return switch (format.toUpperCase()) {
            case "RAW" -> raw(file, file.length);
            case "VHD" -> vhd(file);
            default -> throw new IllegalArgumentException("Unsupported file format " + format);
        };
    }

    private static Volume raw(byte[] disk, long size) {
        TreeMap<Long, byte[]> blocks = new TreeMap<>();
        for (long offset = 0; offset < size; offset += AwsState.BLOCK_SIZE) {
            byte[] block = new byte[AwsState.BLOCK_SIZE];
            System.arraycopy(disk, (int) offset, block, 0, (int) Math.min(AwsState.BLOCK_SIZE, size - offset));
            if (!allZero(block)) {
                blocks.put(offset / AwsState.BLOCK_SIZE, block);
            }
        }
        return new Volume(size, blocks);
    }

    private static Volume vhd(byte[] file) {
        if (file.length < SECTOR) {
            throw new IllegalArgumentException("Unsupported VHD Footer");
        }
        ByteBuffer footer = ByteBuffer.wrap(file, file.length - SECTOR, SECTOR).slice();
        if (!"conectix".equals(new String(file, file.length - SECTOR, 8, StandardCharsets.US_ASCII))) {
            throw new IllegalArgumentException("Unsupported VHD Footer");
        }
        long size = footer.getLong(48);
        int type = footer.getInt(60);
        if (type == 2) {
            if (size > file.length - SECTOR) {
                throw new IllegalArgumentException("Invalid VHD: fixed disk shorter than its size");
            }
            return raw(file, size);
        }
        if (type != 3) {
            throw new IllegalArgumentException("Unsupported VHD disk type " + type);
        }
        ByteBuffer header = ByteBuffer.wrap(file, (int) footer.getLong(16), 1024).slice();
        if (!"cxsparse".equals(new String(file, (int) footer.getLong(16), 8, StandardCharsets.US_ASCII))) {
            throw new IllegalArgumentException("Invalid VHD dynamic disk header");
        }
        long table = header.getLong(16);
        int entries = header.getInt(28);
        int blockSize = header.getInt(32);
        int bitmapSize = roundUp(blockSize / SECTOR / 8, SECTOR);
        byte[] disk = new byte[(int) size];
        ByteBuffer bat = ByteBuffer.wrap(file, (int) table, entries * 4).slice();
        for (int entry = 0; entry < entries; entry++) {
            long sector = Integer.toUnsignedLong(bat.getInt(entry * 4));
            if (sector == 0xFFFFFFFFL) {
                continue;
            }
            int bitmap = (int) (sector * SECTOR);
            for (int s = 0; s < blockSize / SECTOR; s++) {
                long target = (long) entry * blockSize + (long) s * SECTOR;
                boolean present = (file[bitmap + s / 8] & (0x80 >> (s % 8))) != 0;
                if (present && target < size) {
                    System.arraycopy(file, bitmap + bitmapSize + s * SECTOR, disk, (int) target, SECTOR);
                }
            }
        }
        return raw(disk, size);
    }

    private static int roundUp(int value, int unit) {
        return (value + unit - 1) / unit * unit;
    }

    static boolean allZero(byte[] block) {
        return Arrays.mismatch(block, block.length == ZERO_BLOCK.length ? ZERO_BLOCK : new byte[block.length]) < 0;
    }
}
