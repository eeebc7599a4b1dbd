package dev.cloudimages.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code build completion}: the bash (and zsh, through bashcompinit) completion script picocli
 * generates from the very model the CLI parses with, so it never lists a step or option that is
 * not there. Bash also uses it for {@code ./build} (a compspec is looked up by the command's name).
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"print a bash/zsh completion script: source <(./build completion)",
                "  source <(./build completion)          (this shell)",
                "  ./build completion > ~/.local/share/bash-completion/completions/build   (for good)"})
class CompletionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().print(AutoComplete.bash("build", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
    }
}
