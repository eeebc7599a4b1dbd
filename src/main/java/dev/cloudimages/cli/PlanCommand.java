package dev.cloudimages.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cloudimages.ci.BuildInvocation;
import dev.cloudimages.ci.CiPlan;
import dev.cloudimages.ci.GithubMatrix;
import dev.cloudimages.ci.GitlabPipeline;
import dev.cloudimages.ci.KubernetesJobs;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.Step;
import dev.cloudimages.report.OutputFormat;
import dev.cloudimages.support.BuildException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "plan", description = "print the CI jobs the selected variants need (changes nothing): a GitLab child "
        + "pipeline, GitHub Actions matrices or Kubernetes Jobs, each job one 'build ... --variant KEY' command")
class PlanCommand extends StepCommand {

    enum Format { gitlab, github, k8s }

    @Option(names = "--format", required = true, paramLabel = "ENGINE",
            description = "gitlab, github or k8s")
    Format format;

    @Option(names = "--build-command", paramLabel = "CMD", defaultValue = "./build",
            description = "how the jobs run build (default: ${DEFAULT-VALUE}, the repository's launcher)")
    String buildCommand;

    @Option(names = "--runner-tags", arity = "0..*", paramLabel = "TAG",
            description = "GitLab tags or GitHub runs-on labels of the variant jobs; {arch} is the variant's "
                    + "(default: gitlab '{arch}' 'kvm'; github GitHub's runners of the arch)")
    List<String> runnerTags;

    @Option(names = "--gitlab-defaults", paramLabel = "FILE",
            description = "gitlab: a YAML file that becomes the child pipeline's 'default:' (id_tokens, image, "
                    + "before_script, ...)")
    Path gitlabDefaults;

    @Option(names = "--image", paramLabel = "IMAGE", defaultValue = "build-runner:latest",
            description = "k8s: the container image with the repository, a JDK and QEMU (default: ${DEFAULT-VALUE})")
    String image;

    @Option(names = "--shards", paramLabel = "N", defaultValue = "0",
            description = "k8s: at most N pods per Indexed Job (default: one per variant)")
    int shards;

    @Override
    boolean documentOnStdout() {
        return true; // the table goes to stderr: stdout is the engine's document
    }

    @Override
    int run(BuildOptions options) {
        if (output.isPresent()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "plan prints the --format document; --output is for the other steps");
        }
        if (options.revise()) {
            // each job would revise again, and a re-run of the pipeline once more
            throw new BuildException("--revise cannot be split into jobs: revise in one run first "
                    + "('./build publish --revise ...'), then plan the jobs");
        }
        Plan plan = plan(options, Step.STATE);
        CiPlan jobs = CiPlan.of(plan, invocation(options));
        String document = switch (format) {
            case gitlab -> OutputFormat.YAML.render(GitlabPipeline.render(jobs,
                    runnerTags == null ? List.of("{arch}", "kvm") : runnerTags, gitlabDefaults()));
            case github -> OutputFormat.JSON.render(GithubMatrix.render(jobs,
                    runnerTags == null ? List.of() : runnerTags));
            case k8s -> String.join("", KubernetesJobs.render(jobs, new KubernetesJobs.Settings(image,
                    shards < 1 ? Integer.MAX_VALUE : shards)).stream().map(OutputFormat.YAML::render).toList());
        };
        build.context().out().print(document);
        build.context().out().flush();
        build.log().info("%s: %d variant job(s), %d publish job(s), then 'state'", format, jobs.variants().size(),
                jobs.publishes().size());
        return Cli.OK;
    }

    /** The --gitlab-defaults file as a map; one line naming the file when it is not a YAML mapping. */
    private Map<String, Object> gitlabDefaults() {
        if (gitlabDefaults == null) {
            return Map.of();
        }
        Path file = options.projectDir().resolve(gitlabDefaults);
        try {
            Map<String, Object> defaults = ConfigsYaml.mapper().readValue(file.toFile(),
                    new TypeReference<LinkedHashMap<String, Object>>() {
                    });
            return defaults == null ? Map.of() : defaults;
        } catch (java.io.IOException e) {
            throw new BuildException("--gitlab-defaults " + gitlabDefaults + " is not a YAML mapping: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The options every job repeats, as given (paths relative to the project, as a job's checkout has them). */
    private BuildInvocation invocation(BuildOptions options) {
        List<String> shared = new ArrayList<>();
        addAll(shared, "--custom", options.custom().stream().map(this::relative).toList());
        addAll(shared, "--vars", options.vars().stream().map(this::relative).toList());
        addAll(shared, "--disable", build.disable);
        if (options.parallel() != 1) {
            shared.addAll(List.of("--parallel", Integer.toString(options.parallel())));
        }
        if (options.cloudParallel() != 0) {
            shared.addAll(List.of("--cloud-parallel", Integer.toString(options.cloudParallel())));
        }
        if (options.debug()) {
            shared.add("--debug");
        }
        List<String> selected = new ArrayList<>();
        addAll(selected, "--only", options.only());
        addAll(selected, "--skip", options.skip());
        addAll(selected, "--variant", selection.keys());
        selection.shard().ifPresent(s -> selected.addAll(List.of("--shard", s.toString())));
        return new BuildInvocation(List.of(buildCommand.trim().split("\\s+")), shared, selected);
    }

    private String relative(Path path) {
        Path project = options.projectDir().toAbsolutePath().normalize();
        return path.startsWith(project) ? project.relativize(path).toString() : path.toString();
    }

    private static void addAll(List<String> words, String option, List<String> values) {
        if (!values.isEmpty()) {
            words.add(option);
            words.addAll(values);
        }
    }
}
