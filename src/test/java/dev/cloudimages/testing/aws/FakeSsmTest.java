package dev.cloudimages.testing.aws;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.SsmException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fake's Parameter Store, through the real SDK client: what it keeps, and what AWS refuses. */
class FakeSsmTest {

    private FakeAws aws;
    private SsmClient ssm;
    private String ami;

    @BeforeEach
    void setUp() {
        aws = FakeAws.start(FakeAwsSettings.defaults().withLag(FakeAwsSettings.Lag.NONE));
        ssm = FakeAwsClients.ssm(aws, "eu-west-1");
        Ec2Client ec2 = FakeAwsClients.ec2(aws, "eu-west-1");
        ami = FakeAwsTest.availableImage(aws, ec2, "eu-west-1", "latest", false);
    }

    @AfterEach
    void tearDown() {
        aws.close();
    }

    @Test
    void keepsVersionsOverwritesOnlyWhenAskedAndPagesByPath() {
        assertEquals(1, ssm.putParameter(b -> b.name("/p/3.24/x86_64/latest").value(ami).type(ParameterType.STRING)
                .dataType("aws:ec2:image")).version());
        SsmException exists = assertThrows(SsmException.class, () -> ssm.putParameter(b -> b
                .name("/p/3.24/x86_64/latest").value(ami).type(ParameterType.STRING)));
        assertEquals("ParameterAlreadyExists", exists.awsErrorDetails().errorCode());
        assertEquals(2, ssm.putParameter(b -> b.name("/p/3.24/x86_64/latest").value(ami).overwrite(true)).version());
        Parameter read = ssm.getParameter(b -> b.name("/p/3.24/x86_64/latest")).parameter();
        assertEquals(ami, read.value());
        assertEquals("aws:ec2:image", read.dataType());
        assertEquals(Map.of(), aws.ssmParameters("us-east-1"), "parameters are per region");

        for (int i = 0; i < 12; i++) {
            int n = i;
            ssm.putParameter(b -> b.name("/p/3.24/v" + n).value("x").type(ParameterType.STRING));
        }
        List<String> direct = new ArrayList<>();
        ssm.getParametersByPathPaginator(b -> b.path("/p/3.24").maxResults(5))
                .forEach(page -> page.parameters().forEach(p -> direct.add(p.name())));
        assertEquals(12, direct.size(), "not recursive: only the direct children, over three pages");
        assertEquals(13, ssm.getParametersByPathPaginator(b -> b.path("/p").recursive(true)).stream()
                .mapToLong(page -> page.parameters().size()).sum());

        ssm.deleteParameter(b -> b.name("/p/3.24/x86_64/latest"));
        assertEquals("ParameterNotFound", code(() -> ssm.getParameter(b -> b.name("/p/3.24/x86_64/latest"))));
        assertEquals("ParameterNotFound", code(() -> ssm.deleteParameter(b -> b.name("/p/3.24/x86_64/latest"))));
    }

    @Test
    void refusesWhatAwsRefuses() {
        assertEquals("ValidationException", code(() -> put("/aws/reserved", "x", "text")));
        assertEquals("ValidationException", code(() -> put("/SSM/reserved", "x", "text")));
        assertEquals("ValidationException", code(() -> put("not/qualified", "x", "text")));
        assertEquals("ValidationException", code(() -> put("/with space", "x", "text")));
        assertEquals("ValidationException", code(() -> put("/{bootstrap}/latest", "x", "text")));
        assertEquals("HierarchyLevelLimitExceededException", code(() -> put("/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p", "x",
                "text")));
        assertEquals("ValidationException", code(() -> put("/p/image", "not-an-ami", "aws:ec2:image")));
        assertEquals("ValidationException", code(() -> put("/p/other", "x", "aws:ec2:imagex")));
        assertEquals("ValidationException", code(() -> ssm.getParametersByPath(b -> b.path("p"))));
        assertEquals("ValidationException", code(() -> ssm.getParametersByPath(b -> b.path("/p").maxResults(11))));
        assertEquals("InvalidNextToken", code(() -> ssm.getParametersByPath(b -> b.path("/p").nextToken("bogus"))));

        // an AMI the region lacks: accepted, then not stored (AWS validates it afterwards)
        put("/p/missing", "ami-0123456789abcdef0", "aws:ec2:image");
        assertEquals("ParameterNotFound", code(() -> ssm.getParameter(b -> b.name("/p/missing"))));
        assertTrue(aws.ssmParameters("eu-west-1").isEmpty(), aws.ssmParameters("eu-west-1").toString());
    }

    private void put(String name, String value, String dataType) {
        ssm.putParameter(b -> b.name(name).value(value).type(ParameterType.STRING).dataType(dataType));
    }

    private static String code(Runnable call) {
        return assertThrows(SsmException.class, call::run).awsErrorDetails().errorCode();
    }
}
