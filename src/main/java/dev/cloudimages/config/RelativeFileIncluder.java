package dev.cloudimages.config;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseable;

import java.io.File;

/**
 * {@code include file("x.conf")} with a relative path is read beside the including file, like every
 * other include, not from the process's working directory (the library's default).
 */
final class RelativeFileIncluder implements ConfigIncluder, ConfigIncluderFile {

    private final ConfigIncluder fallback;

    RelativeFileIncluder() {
        this(null);
    }

    private RelativeFileIncluder(ConfigIncluder fallback) {
        this.fallback = fallback;
    }

    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
        return new RelativeFileIncluder(fallback);
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
        return fallback == null ? ConfigFactory.empty().root() : fallback.include(context, what);
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, File what) {
        if (!what.isAbsolute()) {
            ConfigParseable beside = context.relativeTo(what.getPath());
            if (beside != null) {
                return beside.parse(context.parseOptions());
            }
        }
        return ConfigFactory.parseFile(what, context.parseOptions()).root();
    }
}
