package dev.cloudimages.report;

import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.plan.Action;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.plan.VariantSelection;
import dev.cloudimages.release.ImageMetadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The machine-readable document of a run ({@code --output json|yaml}), schema {@value #SCHEMA}:
 * what was selected and planned, what each variant's local, cloud and store state is, what this
 * run did (with ids per region) and what failed. docs/machine-readable-output.md is its
 * specification; a change that removes or renames a field is a new schema version.
 */
public final class RunDocument {

    public static final String SCHEMA = "build/v1";

    private RunDocument() {
    }

    /** The run's selection as given on the command line. */
    public record Selection(List<String> only, List<String> skip, VariantSelection variants) {
    }

    /**
     * The document; {@code stored} reads a variant's newest store metadata now (after the run), or
     * gives the plan's when the run changed nothing.
     */
    public static Map<String, Object> of(RunReport report, Selection selection, int exit, Optional<String> error,
                                         Function<VariantPlan, Optional<ImageMetadata>> stored) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("schema", SCHEMA);
        document.put("step", report.step());
        document.put("exit", exit);
        document.put("result", exit == 0 ? "ok" : exit == 75 ? "held" : "failed");
        document.put("error", error.orElse(null));
        Map<String, Object> selected = new LinkedHashMap<>();
        selected.put("only", selection.only());
        selected.put("skip", selection.skip());
        selected.put("variants", selection.variants().keys());
        selected.put("shard", selection.variants().shard().map(Object::toString).orElse(null));
        document.put("selection", selected);
        List<Map<String, Object>> variants = new ArrayList<>();
        if (report.plan().isPresent()) {
            for (VariantPlan variant : report.plan().get().variants()) {
                variants.add(variant(variant, report, stored.apply(variant)));
            }
        } else {
            report.configured().forEach(v -> variants.add(identity(v)));
        }
        document.put("variants", variants);
        return document;
    }

    private static Map<String, Object> identity(ResolvedVariant variant) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("key", variant.key());
        entry.put("cloud", VariantPlan.cloudOf(variant));
        entry.put("arch", String.valueOf(variant.config().getOrDefault("arch", "")));
        entry.put("dimensions", variant.dimensions());
        return entry;
    }

    private static Map<String, Object> variant(VariantPlan variant, RunReport report, Optional<ImageMetadata> stored) {
        Map<String, Object> entry = identity(variant.variant());
        entry.put("build_name", variant.buildName());
        entry.put("image_name", variant.imageName());
        entry.put("revision", variant.revision());
        entry.put("end_of_life", variant.endOfLife());
        entry.put("planned", labels(variant.actions()));
        entry.put("why", variant.why());
        entry.put("local", variant.local().name().toLowerCase(Locale.ROOT));
        entry.put("remote", variant.remote().map(r -> r.image().map(image -> {
            Map<String, Object> remote = new LinkedHashMap<>();
            remote.put("state", image.state());
            remote.put("revision", image.revision());
            remote.put("region", image.region());
            remote.put("image_id", image.id());
            return (Object) remote;
        }).orElse("none")).orElse("unknown"));
        entry.put("store", variant.store().map(url -> store(url, stored)).orElse(null));
        Map<String, Object> done = new LinkedHashMap<>();
        report.done(variant.key()).entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> done.put(e.getKey().label(), e.getValue().details()));
        entry.put("done", done);
        entry.put("failed", report.failure(variant.key()).map(f -> {
            Map<String, Object> failure = new LinkedHashMap<>();
            failure.put("step", f.action().map(Action::label).orElse(null));
            failure.put("reason", f.reason());
            return (Object) failure;
        }).orElse(null));
        return entry;
    }

    private static Map<String, Object> store(String url, Optional<ImageMetadata> stored) {
        Map<String, Object> store = new LinkedHashMap<>();
        store.put("url", url);
        stored.ifPresent(m -> {
            store.put("name", m.name());
            store.put("revision", m.revision());
            store.put("file", m.file());
            store.put("sha512", m.sha512());
            store.put("uploaded", m.uploaded());
            store.put("imported", m.imported());
            store.put("import_id", m.importId());
            store.put("import_region", m.importRegion());
            store.put("signed", m.signed());
            store.put("signature", m.signature());
            store.put("published", m.published());
            store.put("artifacts", m.artifacts());
        });
        return store;
    }

    private static List<String> labels(List<Action> actions) {
        return actions.stream().map(Action::label).toList();
    }
}
