package dev.cloudimages.cli;

import java.nio.file.Path;
import java.util.List;

/** The command-line options after validation: directories and files exist, duplicates are gone. */
public record BuildOptions(boolean debug, boolean clean, boolean revise, List<Path> custom, List<String> skip,
                           List<String> only, int parallel, List<Path> vars,
                           java.util.Set<dev.cloudimages.plan.Action> disabled, int cloudParallel) {
}
