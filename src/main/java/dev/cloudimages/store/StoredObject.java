package dev.cloudimages.store;

/** An object in a store: its name, size and the store's version of it (etag, generation, mtime). */
public record StoredObject(String name, long size, String version) {
}
