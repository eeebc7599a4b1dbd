package dev.cloudimages.cli;

import dev.cloudimages.plan.Action;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The command-line options after validation: directories and files exist (absolute, as given
 * relative to where the user stands), duplicates are gone, and the project directory is found.
 */
public record BuildOptions(boolean debug, boolean clean, boolean revise, List<Path> custom, List<String> skip,
                           List<String> only, int parallel, List<Path> vars, Set<Action> disabled,
                           boolean cleanImages, Path projectDir, int cloudParallel) {
}
