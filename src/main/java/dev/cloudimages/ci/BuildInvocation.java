package dev.cloudimages.ci;

import java.util.ArrayList;
import java.util.List;

/**
 * How a CI job calls {@code build}: the command (the repository's {@code ./build} by default),
 * the options every job repeats so that each plans the same configs as the generator did
 * ({@code --custom}, {@code --vars}, {@code --disable}, ...), and the selection options the
 * generator was given (for the job after publish, which looks at the whole selection again).
 */
public record BuildInvocation(List<String> command, List<String> shared, List<String> selection) {

    public BuildInvocation {
        command = List.copyOf(command);
        shared = List.copyOf(shared);
        selection = List.copyOf(selection);
    }

    /** {@code build STEP --variant KEY... <shared>} */
    public List<String> step(String step, List<String> keys) {
        List<String> words = new ArrayList<>(command);
        words.add(step);
        if (!keys.isEmpty()) {
            words.add("--variant");
            words.addAll(keys);
        }
        words.addAll(shared);
        return words;
    }

    /** {@code build STEP <selection> <shared> EXTRA...}: the generator's own selection again. */
    public List<String> whole(String step, List<String> extra) {
        List<String> words = new ArrayList<>(command);
        words.add(step);
        words.addAll(selection);
        words.addAll(shared);
        words.addAll(extra);
        return words;
    }
}
