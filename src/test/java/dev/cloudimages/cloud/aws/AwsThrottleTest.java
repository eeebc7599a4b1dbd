package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.Throttle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Throttled EC2 answers close the region's gate for every AWS client of it: concurrent callers
 * all get through, the throttled answers are counted once each, and callers waited at the gate.
 */
class AwsThrottleTest {

    @TempDir
    Path dir;

    @Test
    void throttledAnswersCloseTheRegionsGateForEveryCaller() throws Exception {
        try (AwsFixture fixture = new AwsFixture(dir)) {
            AwsSession session = AwsSession.open(fixture.env);
            Throttle.Gate gate = Throttle.shared().gate("aws", "us-east-1");
            long throttledBefore = gate.throttledAnswers();
            long waitsBefore = gate.waits();
            fixture.aws.throttle("DescribeImages", 4);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> calls = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    calls.add(pool.submit(() -> {
                        for (int n = 0; n < 3; n++) {
                            session.ec2("us-east-1").describeImages(b -> b.owners("self"));
                        }
                        return 3;
                    }));
                }
                int done = 0;
                for (Future<Integer> call : calls) {
                    done += call.get();
                }
                assertEquals(24, done, "every call got through");
            } finally {
                pool.shutdownNow();
            }
            assertTrue(gate.throttledAnswers() > throttledBefore, "the throttled answers reached the gate");
            assertTrue(gate.waits() > waitsBefore, "callers waited at the region's gate");
        }
    }
}
