package dev.cloudimages.release;

import dev.cloudimages.config.ResolvedVariant;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the release templates see: every released image of the project, from the stores'
 * metadata (all of them, not only this run's), shaped for people: filter lists (clouds, regions,
 * archs, firmwares, bootstraps), per version its release and end of life, per variant (a release,
 * arch, firmware and bootstrap, across clouds) its downloads per cloud and its image id, region
 * URL and launch URL per region; and a flat list, one entry per image and region. Only the newest
 * released revision of each build is listed. Plain maps and lists: jinjava reads them as is.
 */
public final class Catalog {

    private Catalog() {
    }

    /**
     * Builds the model; {@code variants} are the configs' variants by key, for the URL templates
     * ({@code cloud_region_url}, {@code cloud_launch_url}, {@code download_url}) of images still in
     * the configs.
     */
    public static Map<String, Object> model(List<ImageMetadata> stored, Map<String, ResolvedVariant> variants,
                                            String project, String generated) {
        List<ImageMetadata> released = newestReleased(stored);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("project", project);
        model.put("generated", generated);
        model.put("filters", filters(released));
        model.put("versions", versions(released, variants));
        model.put("images", flat(released, variants));
        return model;
    }

    /** The newest released revision of each build (by cloud and build name). */
    static List<ImageMetadata> newestReleased(List<ImageMetadata> stored) {
        Map<String, ImageMetadata> newest = new TreeMap<>();
        for (ImageMetadata image : stored) {
            if (!image.isReleased()) {
                continue;
            }
            String build = image.identity().getOrDefault("cloud", "") + "/" + image.buildName();
            ImageMetadata seen = newest.get(build);
            if (seen == null || seen.revision() < image.revision()) {
                newest.put(build, image);
            }
        }
        return newest.values().stream().sorted(Comparator.comparing(ImageMetadata::name)).toList();
    }

    private static Map<String, Object> filters(List<ImageMetadata> images) {
        Map<String, Object> filters = new LinkedHashMap<>();
        for (String key : List.of("cloud", "arch", "firmware", "bootstrap")) {
            filters.put(key + "s", images.stream().map(i -> i.identity().get(key)).filter(v -> v != null)
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new)).stream().toList());
        }
        Map<String, TreeSet<String>> regions = new TreeMap<>();
        for (ImageMetadata image : images) {
            image.artifacts().keySet().forEach(region -> regions.computeIfAbsent(region, r -> new TreeSet<>())
                    .add(image.identity().getOrDefault("cloud", "")));
        }
        List<Map<String, Object>> regionList = new ArrayList<>();
        regions.forEach((region, clouds) -> regionList.add(Map.of("region", region, "clouds", List.copyOf(clouds))));
        filters.put("regions", regionList);
        return filters;
    }

    private static List<Map<String, Object>> versions(List<ImageMetadata> images, Map<String, ResolvedVariant> variants) {
        Map<String, List<ImageMetadata>> byVersion = new TreeMap<>(Catalog::newestFirst);
        images.forEach(i -> byVersion.computeIfAbsent(i.identity().getOrDefault("version", ""), v -> new ArrayList<>())
                .add(i));
        List<Map<String, Object>> versions = new ArrayList<>();
        byVersion.forEach((version, ofVersion) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("version", version);
            entry.put("release", ofVersion.stream().map(i -> i.identity().getOrDefault("release", ""))
                    .max(Comparator.naturalOrder()).orElse(""));
            entry.put("end_of_life", ofVersion.stream().map(i -> i.identity().getOrDefault("end_of_life", ""))
                    .max(Comparator.naturalOrder()).orElse(""));
            Map<String, Map<String, Object>> byVariant = new TreeMap<>();
            for (ImageMetadata image : ofVersion) {
                Map<String, String> id = image.identity();
                String variant = String.join(" ", id.getOrDefault("release", ""), id.getOrDefault("arch", ""),
                        id.getOrDefault("firmware", ""), id.getOrDefault("bootstrap", ""));
                Map<String, Object> item = byVariant.computeIfAbsent(variant, v -> {
                    Map<String, Object> fresh = new LinkedHashMap<>();
                    fresh.put("variant", v);
                    fresh.put("arch", id.getOrDefault("arch", ""));
                    fresh.put("firmware", id.getOrDefault("firmware", ""));
                    fresh.put("bootstrap", id.getOrDefault("bootstrap", ""));
                    fresh.put("released", date(image.released()));
                    fresh.put("downloads", new ArrayList<Map<String, Object>>());
                    fresh.put("regions", new ArrayList<Map<String, Object>>());
                    return fresh;
                });
                Optional<ResolvedVariant> config = Optional.ofNullable(image.variant()).map(variants::get);
                Map<String, Object> download = new LinkedHashMap<>();
                download.put("cloud", id.getOrDefault("cloud", ""));
                download.put("image_name", image.name());
                download.put("image_format", image.format() == null ? "" : image.format());
                download.put("image_url", config.map(c -> c.config().get("download_url")).map(Object::toString)
                        .filter(u -> !u.isBlank() && image.file() != null).map(u -> u + "/" + image.file()).orElse(""));
                listOf(item, "downloads").add(download);
                image.artifacts().forEach((region, imageId) -> listOf(item, "regions")
                        .add(region(image, region, imageId, config)));
            }
            List<Map<String, Object>> items = new ArrayList<>(byVariant.values());
            items.forEach(i -> listOf(i, "regions").sort(Comparator.comparing(r -> r.get("cloud") + "/" + r.get("region"))));
            entry.put("images", items);
            versions.add(entry);
        });
        return versions;
    }

    private static List<Map<String, Object>> flat(List<ImageMetadata> images, Map<String, ResolvedVariant> variants) {
        List<Map<String, Object>> flat = new ArrayList<>();
        for (ImageMetadata image : images) {
            Optional<ResolvedVariant> config = Optional.ofNullable(image.variant()).map(variants::get);
            image.artifacts().forEach((region, imageId) -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", image.name());
                entry.put("variant", image.variant() == null ? "" : image.variant());
                for (String key : List.of("cloud", "version", "release", "arch", "firmware", "bootstrap",
                        "end_of_life")) {
                    entry.put(key, image.identity().getOrDefault(key, ""));
                }
                entry.put("revision", image.revision());
                entry.put("released", image.released());
                entry.putAll(region(image, region, imageId, config));
                flat.add(entry);
            });
        }
        return flat;
    }

    private static Map<String, Object> region(ImageMetadata image, String region, String imageId,
                                              Optional<ResolvedVariant> config) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("cloud", image.identity().getOrDefault("cloud", ""));
        entry.put("region", region);
        entry.put("image_id", imageId);
        entry.put("region_url", url(config, "cloud_region_url", region, imageId));
        entry.put("launch_url", url(config, "cloud_launch_url", region, imageId));
        return entry;
    }

    private static String url(Optional<ResolvedVariant> config, String key, String region, String imageId) {
        return config.map(c -> c.config().get(key)).map(Object::toString)
                .map(t -> t.replace("{region}", region).replace("{image_id}", imageId)).orElse("");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> listOf(Map<String, Object> map, String key) {
        return (List<Map<String, Object>>) map.get(key);
    }

    /** "2026-11-18T00:00:00Z" -> "2026-11-18". */
    private static String date(String instant) {
        return instant == null ? "" : instant.length() >= 10 ? instant.substring(0, 10) : instant;
    }

    /** edge first, then stable versions newest first (3.24 before 3.9). */
    static int newestFirst(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        if (a.equals("edge") || b.equals("edge")) {
            return a.equals("edge") ? -1 : 1;
        }
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(part(y, i), part(x, i));
            if (c != 0) {
                return c;
            }
        }
        return b.compareTo(a);
    }

    private static int part(String[] parts, int i) {
        try {
            return i < parts.length ? Integer.parseInt(parts[i]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
