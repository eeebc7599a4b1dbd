package dev.cloudimages.cloud.aws;

import dev.cloudimages.cli.Cli;
import dev.cloudimages.testing.BuilderVms;
import dev.cloudimages.testing.CliRun;
import dev.cloudimages.testing.OverlayMirror;
import dev.cloudimages.testing.OverlayRuns;
import dev.cloudimages.testing.aws.FakeAws;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cloud step as a pipeline, on two variants built one at a time (--parallel 1): the first
 * is imported while the second is still building; every line of a variant's work carries its
 * key; status lines come; a variant that fails is named once in the summary, the other ships.
 */
class ShipPipelineTest {

    private static final String BIOS = "3.24-x86_64-bios-aws";
    private static final String UEFI = "3.24-x86_64-uefi-aws";
    @RegisterExtension
    static final OverlayMirror MIRROR = new OverlayMirror();

    @TempDir
    Path project;
    private FakeAws aws;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        aws = FakeAws.start();
        OverlayRuns.prepare(project, env, MIRROR.server());
        OverlayMirror.awsEnv(env, aws.env(), project);
        env.put("BUILD_STATUS_SECONDS", "1");
    }

    @AfterEach
    void tearDown() {
        aws.close();
        assertEquals(List.of(), BuilderVms.running(project), "QEMU processes left behind");
    }

    @Test
    void aVariantShipsWhileTheNextBuildsAndAFailureIsNamedOnce() {
        aws.failRegister("InvalidParameterValue"); // the first variant to register fails (once)
        CliRun run = CliRun.run(env, project, false, "import", "--custom", "overlay", "--only", "x86_64", "aws",
                "--vars", "tcg.conf", "--parallel", "1");
        String err = run.err();
        assertEquals(Cli.FAILED, run.code(), err);
        List<String> lines = err.lines().toList();
        int firstImport = indexOf(lines, "] importing image.");
        int secondBuilt = lastIndexOf(lines, "/image.qcow2 (boot ");
        assertTrue(firstImport >= 0 && secondBuilt > firstImport,
                "the first variant's import started before the second build ended: " + err);
        assertTrue(err.contains(" INFO  status: "), "status lines: " + err);
        for (String line : lines) {
            if (line.contains("snapshot ") || line.contains("registered ") || line.contains("importing ")) {
                assertTrue(line.contains("[" + BIOS + "]") || line.contains("[" + UEFI + "]"),
                        "a variant's line carries its key: " + line);
            }
        }
        List<String> errors = lines.stream().filter(l -> l.contains(" ERROR ")).toList();
        assertEquals(2, errors.size(), "the variant's reason once, then the summary naming it: " + err);
        assertTrue(errors.get(1).contains("1 variant(s) failed (the reason of each is above): "), errors.toString());
        assertTrue(errors.get(1).length() < 200, "the summary does not repeat the reason: " + errors.get(1));
        assertEquals(1, aws.images("us-east-1").size(), "the other variant was imported");
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(List<String> lines, String part) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
