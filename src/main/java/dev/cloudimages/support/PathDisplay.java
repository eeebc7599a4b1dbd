package dev.cloudimages.support;

import java.nio.file.Path;

/**
 * How paths are shown to the user: relative to where they stand (the current directory) when
 * the path is below it, or when both are inside the project ("../work/configs.yaml" from a
 * subdirectory); absolute otherwise, so a path is never a long climb of "..".
 */
public record PathDisplay(Path cwd, Path projectDir) {

    public PathDisplay {
        cwd = cwd.toAbsolutePath().normalize();
        projectDir = projectDir.toAbsolutePath().normalize();
    }

    /** Standing in the project root. */
    public static PathDisplay at(Path dir) {
        return new PathDisplay(dir, dir);
    }

    public String show(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        if (absolute.equals(cwd)) {
            return ".";
        }
        if (absolute.startsWith(cwd) || cwd.startsWith(projectDir) && absolute.startsWith(projectDir)) {
            return cwd.relativize(absolute).toString();
        }
        return absolute.toString();
    }
}
